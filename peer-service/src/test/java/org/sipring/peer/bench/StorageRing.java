package org.sipring.peer.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.link.LinkConfig;
import org.sipring.peer.overlay.link.MessageCodecPort;
import org.sipring.peer.overlay.link.NettyLink;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.message.MessageCodec;
import org.sipring.peer.overlay.topology.chord.ChordConfig;
import org.sipring.peer.overlay.topology.chord.ChordOverlay;
import org.sipring.peer.overlay.topology.chord.RangeSync;
import org.sipring.peer.storage.Durability;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.KindSpec;
import org.sipring.peer.storage.SlotRules;
import org.sipring.peer.storage.SlotStore;
import org.sipring.peer.storage.StorageService;
import org.sipring.peer.storage.bdb.BdbDataStore;
import org.sipring.peer.storage.bdb.BdbSettings;

/**
 * In-JVM peers with real storage for the storage benchmarks: each a {@link ChordOverlay} on its own
 * {@link NettyLink} (plain TCP) on 127.0.0.x, with a Berkeley DB JE store in a directory of its own
 * under a temporary directory and a {@link StorageService} thread, wired as
 * {@code app.PeerConfiguration} wires them (production overlay timers, the system clock, default
 * storage-thread and range-sync settings, the application's DHT kinds and limits).
 */
final class StorageRing implements AutoCloseable {

    /** The application's single-value DHT kind (app.DhtKinds.SINGLE). */
    static final Kind SINGLE = new Kind(0xf0000001L, "single", DataModel.SINGLE);
    static final Kind DICTIONARY = new Kind(0xf0000003L, "dictionary", DataModel.DICTIONARY);
    /** peer.storage.max-values and max-value-size defaults. */
    static final KindRegistry KINDS = new KindRegistry(List.of(new KindSpec(SINGLE, 1, 64 * 1024),
        new KindSpec(new Kind(0xf0000002L, "array", DataModel.ARRAY), 1000, 64 * 1024),
        new KindSpec(DICTIONARY, 1000, 64 * 1024)));
    /** peer.storage.tombstone-retention default. */
    static final SlotRules RULES = new SlotRules(Duration.ofHours(24).toMillis());

    /** Only warnings and errors from the overlay and storage logs (java.util.logging), so RESULT lines stand out. */
    static void quietLogs() {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        for (var h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** One peer: its overlay, its storage service and where it listens. */
    record Peer(ChordOverlay overlay, StorageService storage, PeerAddress address, Path dir) {
    }

    final Path root;
    final List<Peer> peers = new ArrayList<>();

    private StorageRing(Path root) {
        this.root = root;
    }

    /**
     * Starts n peers on 127.0.0.(ipBase)..(ipBase+n-1):port, peer 0 founds the overlay and the others
     * join through it, and waits until every successor list and membership view is complete.
     */
    static StorageRing start(int n, int ipBase, int port, Durability durability) throws Exception {
        StorageRing ring = new StorageRing(Files.createTempDirectory("sipring-storage-bench"));
        KindModels models = KindModels.of(KINDS.all().stream().map(KindSpec::kind).toList());
        for (int i = 0; i < n; i++) {
            InetAddress ip = InetAddress.getByName("127.0.0." + (ipBase + i));
            PeerAddress self = new PeerAddress(ip, port);
            ChordConfig cfg = ChordConfig.defaults("bench.sipring", self);
            LinkConfig lc = LinkConfig.plain(new InetSocketAddress(ip, port))
                .withMaxMessageSize(cfg.maxMessageSize()).withEventLoopThreads(2);
            MessageCodec codec = new MessageCodec(models, cfg.maxMessageSize());
            NettyLink link = new NettyLink(lc, MessageCodecPort.of(codec::encode, codec::decode));
            Path dir = ring.root.resolve("peer" + i);
            StorageService storage = openStorage(dir, durability, BdbSettings.DEFAULT_CACHE_BYTES, "storage-" + i);
            ChordOverlay o = new ChordOverlay(cfg, link, Clock.systemUTC(), new SecureRandom(), storage,
                RangeSync.Settings.defaults());
            o.start();
            ring.peers.add(new Peer(o, storage, self, dir));
        }
        ring.peers.get(0).overlay().join(List.of()).get(10, TimeUnit.SECONDS);
        for (int i = 1; i < n; i++) {
            ring.peers.get(i).overlay().join(List.of(ring.peers.get(0).address())).get(60, TimeUnit.SECONDS);
        }
        ring.awaitConverged(Duration.ofSeconds(120));
        return ring;
    }

    /** A JE store and its storage thread as the application opens them (BdbSettings.defaults, one cache size). */
    static StorageService openStorage(Path dir, Durability durability, long cacheBytes, String thread) {
        BdbSettings bdb = BdbSettings.defaults(dir).withDurability(durability).withCacheBytes(cacheBytes);
        SlotStore store = new SlotStore(BdbDataStore.open(bdb), KINDS, Map.of(), RULES);
        return StorageService.start(store, Clock.systemUTC(), StorageService.Settings.defaults(), thread);
    }

    void awaitConverged(Duration timeout) throws Exception {
        int n = peers.size();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean ok = true;
            for (Peer p : peers) {
                var s = p.overlay().snapshot().get(10, TimeUnit.SECONDS);
                if (s.successors().size() != Math.min(n - 1, 5) || s.knownPeers().size() != n) {
                    ok = false;
                }
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ring of " + n + " peers did not converge in " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** The peers' Node-IDs as they are now, in ring (unsigned numeric) order, with the peer index of each. */
    List<Map.Entry<NodeId, Integer>> ringOrder() throws Exception {
        List<Map.Entry<NodeId, Integer>> ids = new ArrayList<>();
        for (int i = 0; i < peers.size(); i++) {
            ids.add(Map.entry(peers.get(i).overlay().snapshot().get(10, TimeUnit.SECONDS).nodeId(), i));
        }
        ids.sort(Map.Entry.comparingByKey());
        return ids;
    }

    /** Position in the sorted ring of the peer responsible for k: the first Node-ID at or after it. */
    static int responsible(List<? extends RingId> sortedIds, RingId k) {
        for (int i = 0; i < sortedIds.size(); i++) {
            if (sortedIds.get(i).compareTo(k) >= 0) {
                return i;
            }
        }
        return 0;
    }

    static double percentileMs(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
    }

    static long dirBytes(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(suffix)) {
                    total += Files.size(f);
                }
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /**
     * The overlay counters of every peer, summed (read through reflection from the driver-owned
     * state machine, so approximate while traffic runs): retransmissions, errors answered, failed
     * requests, duplicates and dropped messages are what a benchmark must not hide.
     */
    String overlayCounters() {
        long[] sum = new long[7];
        for (Peer p : peers) {
            try {
                java.lang.reflect.Field f = ChordOverlay.class.getDeclaredField("peer");
                f.setAccessible(true);
                Object chordPeer = f.get(p.overlay());
                var s = (org.sipring.peer.overlay.topology.chord.ChordPeer.ChordStats)
                    chordPeer.getClass().getMethod("stats").invoke(chordPeer);
                long[] v = {s.requestsSent, s.requestsHandled, s.retransmissions, s.errorsSent, s.requestsFailed,
                    s.duplicateRequests, s.dropped};
                for (int i = 0; i < v.length; i++) {
                    sum[i] += v[i];
                }
            } catch (ReflectiveOperationException e) {
                return "overlay counters unavailable: " + e;
            }
        }
        return String.format(java.util.Locale.ROOT, "overlay counters (all peers): requests sent %d, handled %d,"
            + " retransmissions %d, errors answered %d, requests failed %d, duplicates %d, dropped %d",
            sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6]);
    }

    /** Garbage collections so far, all collectors: {count, milliseconds}. */
    static long[] gcSoFar() {
        long n = 0;
        long ms = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {n, ms};
    }

    /** Used heap after full collections. */
    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Transactions committed by every peer's JE environment so far. */
    long commitsSoFar() {
        long n = 0;
        for (Peer p : peers) {
            n += environmentOf(p.storage()).getTransactionStats(new com.sleepycat.je.StatsConfig()).getNCommits();
        }
        return n;
    }

    /** The JE environment inside a storage service (bench only: for its statistics). */
    static com.sleepycat.je.Environment environmentOf(StorageService storage) {
        try {
            var storeField = StorageService.class.getDeclaredField("store");
            storeField.setAccessible(true);
            Object slotStore = storeField.get(storage);
            var diskField = slotStore.getClass().getDeclaredField("disk");
            diskField.setAccessible(true);
            Object disk = diskField.get(slotStore);
            var envField = BdbDataStore.class.getDeclaredField("environment");
            envField.setAccessible(true);
            return (com.sleepycat.je.Environment) envField.get(disk);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the overlays (without leaving), then the stores, and deletes the data. */
    @Override
    public void close() {
        for (Peer p : peers) {
            p.overlay().close();
        }
        for (Peer p : peers) {
            p.storage().close();
        }
        deleteTree(root);
    }
}
