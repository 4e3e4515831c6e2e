package org.sipring.peer.overlay.topology.chord.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.link.LinkListener;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.topology.chord.ChordConfig;
import org.sipring.peer.overlay.topology.chord.ChordPeer;
import org.sipring.peer.overlay.topology.chord.RangeSync;
import org.sipring.peer.overlay.topology.chord.StorageClient;
import org.sipring.peer.overlay.topology.chord.StorageHandler;
import org.sipring.peer.storage.InMemoryDataStore;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.SlotRules;
import org.sipring.peer.storage.SlotStore;
import org.sipring.peer.storage.StorageService;

/**
 * Many chord-reload peers in one JVM on a simulated network and a manual clock, all driven by one
 * seeded random source: the same seed replays the same run, event for event.
 */
public final class ChordSimulation {

    public static final long TICK_MILLIS = 50;

    /** One simulated peer process. */
    public final class SimPeer {
        public final int index;
        public final ChordPeer peer;
        final SimNetwork.SimLink link;
        /** This process's own storage (in memory: gone with the process); null without storage mode. */
        public final StorageService storage;
        /** Serves this peer's storage requests; null without storage mode. */
        public final StorageHandler storageHandler;
        /** Originates stores, fetches and updates from this peer; null without storage mode. */
        public final StorageClient client;
        boolean running = true;

        SimPeer(int index, ChordPeer peer, SimNetwork.SimLink link, StorageService storage,
                StorageHandler storageHandler, StorageClient client) {
            this.index = index;
            this.peer = peer;
            this.link = link;
            this.storage = storage;
            this.storageHandler = storageHandler;
            this.client = client;
        }

        /** What this peer's own storage holds of a slot (live values), read at once. */
        public List<StoredValue> held(SlotKey key) {
            return storage.fetch(key).join();
        }

        public boolean isLive() {
            return running && peer.state() == PeerState.ACTIVE;
        }

        public boolean isRunning() {
            return running;
        }

        public NodeId id() {
            return peer.nodeId();
        }
    }

    public final long seed;
    public final SplittableRandom random;
    public final ManualClock clock;
    public final SimNetwork net;
    private final List<SimPeer> peers = new ArrayList<>();
    private final UnaryOperator<ChordConfig> configurer;
    private int nextIndex;
    private StorageMode storageMode;

    /** What every peer started in storage mode gets: the kinds, the slot procedures and range-sync tunables. */
    public record StorageMode(KindRegistry kinds, Map<String, SlotProcedure> procedures, SlotRules rules,
                              RangeSync.Settings settings) {
    }

    public ChordSimulation(long seed, UnaryOperator<ChordConfig> configurer) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.clock = new ManualClock(1_700_000_000_000L);
        this.net = new SimNetwork(clock, random.split());
        this.configurer = configurer;
    }

    /** Simulation-friendly timers: fast enough to converge in seconds of simulated time. */
    public static ChordConfig fastTimers(ChordConfig c) {
        return c.withTimers(Duration.ofMillis(400), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMillis(500));
    }

    /**
     * Storage mode: every peer started from now on gets its own in-memory storage run inline on
     * the simulation's thread, a {@link StorageHandler} whose driver runs each continuation as a
     * separate simulated event, and a {@link StorageClient} whose back-off timers are simulated
     * events too.
     */
    public ChordSimulation withStorage(KindRegistry kinds, Map<String, SlotProcedure> procedures,
                                       RangeSync.Settings settings) {
        this.storageMode = new StorageMode(kinds, Map.copyOf(procedures), new SlotRules(86_400_000L), settings);
        return this;
    }

    /** Range-sync tunables fast enough for seconds of simulated time. */
    public static RangeSync.Settings fastSync() {
        return new RangeSync.Settings(50, 64 * 1024, 16, 2_000, 2_000, 500, 10_000, 20, 8);
    }

    public long stabilizeMillis() {
        return configurer.apply(ChordConfig.defaults("x", SimNetwork.address(0))).stabilizeInterval().toMillis();
    }

    /** Starts a peer that founds the overlay (no bootstrap) or joins through a live peer. */
    public SimPeer startPeer(Optional<NodeId> fixedId) {
        int index = nextIndex++;
        PeerAddress addr = SimNetwork.address(index);
        ChordConfig cfg = configurer.apply(ChordConfig.defaults("sim.sipring", addr));
        if (fixedId.isPresent()) {
            cfg = cfg.withNodeId(fixedId.get());
        }
        SimNetwork.SimLink link = net.newLink(addr);
        SimPeer[] self = new SimPeer[1];
        StorageService storage = null;
        StorageHandler handler = null;
        StorageClient client = null;
        if (storageMode != null) {
            SlotStore slots = new SlotStore(new InMemoryDataStore(), storageMode.kinds(), storageMode.procedures(),
                storageMode.rules());
            storage = StorageService.inline(slots, clock);
            handler = new StorageHandler(storage, r -> net.schedule(0, () -> {
                if (self[0].running) {
                    r.run();
                }
            }), storageMode.settings());
            client = new StorageClient((delay, task) -> net.schedule(delay, () -> {
                if (self[0].running) {
                    task.run();
                }
            }));
        }
        ChordPeer peer = new ChordPeer(cfg, link, clock, random.split(), handler);
        SimPeer sp = new SimPeer(index, peer, link, storage, handler, client);
        self[0] = sp;
        link.start(new LinkListener() {
            @Override
            public void onMessage(long connectionId, PeerAddress remoteListen, Message message) {
                if (sp.running) {
                    peer.onMessage(connectionId, remoteListen, message);
                }
            }

            @Override
            public void onConnectionClosed(long connectionId, PeerAddress remoteListen, String reason) {
                if (sp.running) {
                    peer.onConnectionClosed(connectionId, remoteListen, reason);
                }
            }
        });
        peers.add(sp);
        scheduleTick(sp, 1 + random.nextInt((int) TICK_MILLIS));
        List<PeerAddress> bootstrap = livePeers().stream().filter(p -> p != sp).findFirst()
            .map(p -> List.of(p.peer.address())).orElse(List.of());
        if (bootstrap.isEmpty() && !peers.stream().filter(p -> p != sp).anyMatch(SimPeer::isRunning)) {
            peer.join(List.of(), new CompletableFuture<>());
        } else {
            List<SimPeer> live = livePeers();
            SimPeer via = live.get(random.nextInt(live.size()));
            peer.join(List.of(via.peer.address()), new CompletableFuture<>());
        }
        return sp;
    }

    public SimPeer startPeer() {
        return startPeer(Optional.empty());
    }

    private void scheduleTick(SimPeer sp, long delay) {
        net.schedule(delay, () -> {
            if (sp.running) {
                sp.peer.tick();
                scheduleTick(sp, TICK_MILLIS);
            }
        });
    }

    /**
     * SIGKILL: the process is gone, its connections reset; in storage mode its storage is gone
     * with it (nothing reads or serves it again). A restart is a fresh peer: {@link #startPeer()}.
     */
    public void crash(SimPeer sp) {
        sp.running = false;
        sp.link.stop();
    }

    /** Graceful leave (RFC 6940 §10.9), then the process exits. */
    public CompletableFuture<Void> leave(SimPeer sp) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        sp.peer.leave(done);
        done.whenComplete((v, e) -> crash(sp));
        return done;
    }

    /** Grows the overlay to n peers, one join every spacing ms, then lets it settle. */
    public void grow(int n, long spacingMillis) {
        while (peers.stream().filter(SimPeer::isRunning).count() < n) {
            startPeer();
            net.runFor(spacingMillis);
        }
    }

    public void runFor(long millis) {
        net.runFor(millis);
    }

    public List<SimPeer> peers() {
        return peers;
    }

    public List<SimPeer> livePeers() {
        return peers.stream().filter(SimPeer::isLive).toList();
    }

    public List<SimPeer> runningPeers() {
        return peers.stream().filter(SimPeer::isRunning).toList();
    }

    /** The true ring: Node-IDs of live members, sorted. */
    public TreeSet<NodeId> trueRing() {
        TreeSet<NodeId> ring = new TreeSet<>();
        for (SimPeer p : livePeers()) {
            ring.add(p.id());
        }
        return ring;
    }

    /** The peer truly responsible for k: the first live member at or after k. */
    public NodeId trulyResponsible(ResourceId k) {
        TreeSet<NodeId> ring = trueRing();
        NodeId c = ring.ceiling(NodeId.at(k));
        return c != null ? c : ring.first();
    }

    /** The n live members after id, clockwise. */
    public List<NodeId> trueSuccessors(NodeId id, int n) {
        return walk(trueRing(), id, n, true);
    }

    /**
     * The n members of a ring nearest to id, walking clockwise (up) or counter-clockwise, id
     * itself excluded.
     */
    public static List<NodeId> walk(TreeSet<NodeId> ring, NodeId id, int n, boolean up) {
        List<NodeId> out = new ArrayList<>();
        NodeId cur = id;
        int others = ring.contains(id) ? ring.size() - 1 : ring.size();
        while (out.size() < Math.min(n, others)) {
            NodeId next = up ? ring.higher(cur) : ring.lower(cur);
            cur = next != null ? next : (up ? ring.first() : ring.last());
            out.add(cur);
        }
        return out;
    }

    /** Describes every peer whose successor list differs from the truth; empty when converged. */
    public List<String> successorMismatches(int n) {
        List<String> bad = new ArrayList<>();
        for (SimPeer p : livePeers()) {
            List<NodeId> expected = trueSuccessors(p.id(), n);
            List<NodeId> actual = p.peer.successors();
            if (!actual.equals(expected)) {
                bad.add(p.id().shortHex() + " has " + shorts(actual) + " expected " + shorts(expected));
            }
        }
        return bad;
    }

    /** Describes every peer whose predecessor list differs from the truth; empty when converged. */
    public List<String> predecessorMismatches(int n) {
        List<String> bad = new ArrayList<>();
        for (SimPeer p : livePeers()) {
            List<NodeId> expected = truePredecessors(p.id(), n);
            List<NodeId> actual = p.peer.predecessors();
            if (!actual.equals(expected)) {
                bad.add(p.id().shortHex() + " has preds " + shorts(actual) + " expected " + shorts(expected));
            }
        }
        return bad;
    }

    /** The n live members before id, counter-clockwise. */
    public List<NodeId> truePredecessors(NodeId id, int n) {
        return walk(trueRing(), id, n, false);
    }

    private static List<String> shorts(List<NodeId> ids) {
        return ids.stream().map(NodeId::shortHex).toList();
    }

    /** Result of a batch of lookups. */
    public record LookupStats(int issued, int correct, int wrong, int failed, double meanHops, int maxHops,
                              int[] hopHistogram) {
        public double successRate() {
            return issued == 0 ? 1.0 : (double) correct / issued;
        }
    }

    /**
     * Issues lookups for random keys from the live peers in turn, so that with at least as many
     * lookups as peers every peer originates some (spread over the given time), runs the
     * simulation until they finish, and compares each answer with the truth when it arrived.
     */
    public LookupStats lookups(int count, long spreadMillis) {
        return lookups(count, spreadMillis, spreadMillis + 20_000);
    }

    /** Like {@link #lookups(int, long)} but runs only the spread time: the rest finish later. */
    public LookupStats lookupsDuring(int count, long spreadMillis) {
        return lookups(count, spreadMillis, spreadMillis);
    }

    private LookupStats lookups(int count, long spreadMillis, long runMillis) {
        int[] correct = {0};
        int[] wrong = {0};
        int[] failed = {0};
        long[] hopsSum = {0};
        int[] maxHops = {0};
        int[] histogram = new int[16];
        int[] origin = {random.nextInt(1 << 20)};
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long at = spreadMillis == 0 ? 0 : random.nextLong(spreadMillis);
            ResourceId k = ResourceId.ofName("resource-" + random.nextLong());
            CompletableFuture<PeerInfo> f = new CompletableFuture<>();
            all.add(f);
            net.schedule(at, () -> {
                List<SimPeer> live = livePeers();
                SimPeer from = live.get(origin[0]++ % live.size());
                long tx = from.peer.lookup(k, f);
                f.whenComplete((info, err) -> {
                    if (err != null) {
                        failed[0]++;
                        return;
                    }
                    if (info.id().equals(trulyResponsible(k))) {
                        correct[0]++;
                    } else {
                        wrong[0]++;
                    }
                    int hops = tx == 0 ? 0 : net.hopsOf(tx);
                    hopsSum[0] += hops;
                    maxHops[0] = Math.max(maxHops[0], hops);
                    histogram[Math.min(hops, histogram.length - 1)]++;
                });
            });
        }
        net.runFor(runMillis);
        int answered = correct[0] + wrong[0];
        return new LookupStats(count, correct[0], wrong[0], failed[0],
            answered == 0 ? 0 : (double) hopsSum[0] / answered, maxHops[0], histogram);
    }
}
