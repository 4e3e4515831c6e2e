package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.ForwardingLocalStorage;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.link.LinkConfig;
import org.sipring.peer.overlay.link.LinkTarget;
import org.sipring.peer.overlay.link.MessageCodecPort;
import org.sipring.peer.overlay.link.NettyLink;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.message.MessageCodec;
import org.sipring.peer.overlay.topology.chord.ChordConfig;
import org.sipring.peer.overlay.topology.chord.ChordOverlay;
import org.sipring.peer.overlay.topology.chord.RangeSync;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.KindSpec;
import org.sipring.peer.storage.SlotRules;
import org.sipring.peer.storage.SlotStore;
import org.sipring.peer.storage.StorageService;
import org.sipring.peer.storage.bdb.BdbDataStore;
import org.sipring.peer.storage.bdb.BdbSettings;

/**
 * A drain's migration link cut half-way, over real TCP and real Berkeley DB JE stores: five peers
 * in this JVM (each a {@link ChordOverlay} on its own {@link NettyLink} on 127.0.0.61-65, a JE
 * environment on disk and its storage thread). One peer holding thousands of values drains; when
 * its first successor has merged half of what it is handed, the connections between the two are
 * closed. The hand-over must resume from its cursor: the successor ends with every slot, the
 * drain reaches LEFT, and no more than one batch reaches the successor twice.
 *
 * <p>In one JVM rather than in peer processes so the test can close exactly that link at exactly
 * that moment; the link, codec, overlay and store are the production classes. Anti-entropy is
 * pushed out of the way (hour-long repair interval) so every push the successor merges is the
 * drain's.
 */
class MigrationLinkCutIT {

    private static final Kind SINGLE = new Kind(0xf0000001L, "single", DataModel.SINGLE);
    private static final KindRegistry KINDS = new KindRegistry(List.of(new KindSpec(SINGLE, 1, 1024)));
    private static final int PEERS = 5;
    private static final int VALUES = 4_000;
    private static final int BATCH = 250;
    /** Batches of 250 slots, 20 ms apart, no repair within the test. */
    private static final RangeSync.Settings SYNC = new RangeSync.Settings(BATCH, 512 * 1024, 64, 3_600_000,
        3_600_000, 5_000, 30_000, 20, 8);

    /** One peer and what its storage saw. */
    private record Peer(ChordOverlay overlay, NettyLink link, StorageService storage, PeerAddress address,
                        WatchedStorage watched) {
    }

    /** Counts, per slot key, how often merges reached this peer's store while recording. */
    private static final class WatchedStorage extends ForwardingLocalStorage {
        final Map<SlotKey, Integer> merged = new ConcurrentHashMap<>();
        final AtomicBoolean recording = new AtomicBoolean();
        volatile Runnable afterMerge = () -> { };

        WatchedStorage(LocalStorage inner) {
            super(inner);
        }

        @Override
        public CompletableFuture<Integer> merge(List<Slot> slots) {
            if (recording.get()) {
                slots.forEach(s -> merged.merge(s.key(), 1, Integer::sum));
                afterMerge.run();
            }
            return inner.merge(slots);
        }
    }

    @TempDir
    static Path dirs;
    private static final List<Peer> ring = new ArrayList<>();

    @BeforeAll
    static void startRing() throws Exception {
        KindModels models = KindModels.of(List.of(SINGLE));
        for (int i = 0; i < PEERS; i++) {
            InetAddress ip = InetAddress.getByName("127.0.0." + (61 + i));
            PeerAddress self = new PeerAddress(ip, freePort(ip));
            ChordConfig cfg = ChordConfig.defaults("cut.sipring", self);
            LinkConfig lc = LinkConfig.plain(new InetSocketAddress(ip, self.port()))
                .withMaxMessageSize(cfg.maxMessageSize()).withEventLoopThreads(1);
            MessageCodec codec = new MessageCodec(models, cfg.maxMessageSize());
            NettyLink link = new NettyLink(lc, MessageCodecPort.of(codec::encode, codec::decode));
            Path dir = Files.createDirectories(dirs.resolve("peer" + i));
            StorageService storage = StorageService.start(new SlotStore(BdbDataStore.open(
                BdbSettings.defaults(dir).withCacheBytes(8L << 20)), KINDS, Map.of(), new SlotRules(86_400_000L)),
                Clock.systemUTC(), StorageService.Settings.defaults(), "storage-" + i);
            WatchedStorage watched = new WatchedStorage(storage);
            ChordOverlay o = new ChordOverlay(cfg, link, Clock.systemUTC(), new SecureRandom(), watched, SYNC);
            o.start();
            ring.add(new Peer(o, link, storage, self, watched));
        }
        ring.get(0).overlay().join(List.of()).get(10, TimeUnit.SECONDS);
        for (int i = 1; i < PEERS; i++) {
            ring.get(i).overlay().join(List.of(ring.get(0).address())).get(60, TimeUnit.SECONDS);
        }
        awaitConverged();
    }

    @AfterAll
    static void stopRing() {
        for (Peer p : ring) {
            p.overlay().close();
            p.storage().close();
        }
    }

    private static int freePort(InetAddress ip) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, ip)) {
            return s.getLocalPort();
        }
    }

    private static void awaitConverged() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            for (Peer p : ring) {
                PeerSnapshot s = p.overlay().snapshot().get(10, TimeUnit.SECONDS);
                if (s.state() != PeerState.ACTIVE || s.successors().size() != PEERS - 1
                    || s.knownPeers().size() != PEERS) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void aHandOverCutHalfWayResumesAndResendsAtMostOneBatch() throws Exception {
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> writes = new ArrayList<>();
        for (int i = 0; i < VALUES; i++) {
            inFlight.acquire();
            CompletableFuture<?> f = ring.get(i % PEERS).overlay().store("cut-" + i, SINGLE, List.of(new StoredValue(0,
                3600, 0, new byte[0], true, ("value-" + i).getBytes(StandardCharsets.UTF_8))));
            f.whenComplete((r, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                inFlight.release();
            });
            writes.add(f);
        }
        CompletableFuture.allOf(writes.stream().map(w -> w.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
            .get(120, TimeUnit.SECONDS);
        assertThat(failed).as("stores refused").hasValue(0);

        Peer leaving = ring.get(2);
        PeerSnapshot snap = leaving.overlay().snapshot().get(10, TimeUnit.SECONDS);
        NodeId successorId = snap.successors().get(0).id();
        Peer successor = ring.stream().filter(p -> p.address().equals(snap.successors().get(0).address()))
            .findFirst().orElseThrow();
        // the first successor takes (third predecessor, leaving peer]: everything the leaving peer holds
        IdInterval range = IdInterval.openClosed(snap.predecessors().get(2).id(), snap.nodeId());
        Set<SlotKey> toHand = new HashSet<>();
        leaving.storage().scan(range, null, Integer.MAX_VALUE, Integer.MAX_VALUE).get(30, TimeUnit.SECONDS)
            .forEach(s -> toHand.add(s.key()));
        assertThat(toHand.size()).as("enough for several batches").isGreaterThan(6 * BATCH);

        AtomicBoolean cut = new AtomicBoolean();
        AtomicInteger deliveredAtCut = new AtomicInteger();
        AtomicLong openedAtCut = new AtomicLong();
        successor.watched().afterMerge = () -> {
            int delivered = successor.watched().merged.size();
            if (delivered >= toHand.size() / 2 && cut.compareAndSet(false, true)) {
                deliveredAtCut.set(delivered);
                leaving.link().close(new LinkTarget.ToAddress(successor.address()));
                successor.link().close(new LinkTarget.ToAddress(leaving.address()));
                openedAtCut.set(leaving.link().stats().connectionsOpened());
            }
        };
        successor.watched().recording.set(true);
        leaving.overlay().leave().get(120, TimeUnit.SECONDS);
        successor.watched().recording.set(false);

        assertThat(cut).as("the link was cut during the hand-over").isTrue();
        assertThat(deliveredAtCut.get()).as("cut half-way").isLessThan(toHand.size());
        assertThat(leaving.link().stats().connectionsOpened()).as("the leaving peer connected again after the cut")
            .isGreaterThan(openedAtCut.get());
        assertThat(successor.watched().merged.keySet()).as("every slot was pushed to the successor, the second"
            + " half after the cut").containsAll(toHand);
        assertThat(leaving.overlay().snapshot().get(10, TimeUnit.SECONDS).state()).isEqualTo(PeerState.LEFT);
        Set<SlotKey> held = new HashSet<>();
        successor.storage().scan(range, null, Integer.MAX_VALUE, Integer.MAX_VALUE).get(30, TimeUnit.SECONDS)
            .forEach(s -> held.add(s.key()));
        assertThat(held).as("successor %s holds every slot handed over", successorId.shortHex())
            .containsAll(toHand);
        long twice = successor.watched().merged.entrySet().stream()
            .filter(e -> toHand.contains(e.getKey()) && e.getValue() > 1).count();
        assertThat(twice).as("slots pushed twice to the successor (one batch is %d)", BATCH)
            .isLessThanOrEqualTo(BATCH);
        System.out.printf("link cut after %d of %d slots; %d slots arrived twice%n", deliveredAtCut.get(),
            toHand.size(), twice);
    }
}
