package org.sipring.peer.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.link.LinkListener;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody.PingReq;
import org.sipring.peer.overlay.message.MessageExtension.PeerDirectory;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;
import org.sipring.peer.overlay.topology.chord.ChordConfig;
import org.sipring.peer.overlay.topology.chord.ChordPeer;
import org.sipring.peer.overlay.topology.chord.sim.ChordSimulation;
import org.sipring.peer.overlay.topology.chord.sim.ManualClock;
import org.sipring.peer.overlay.topology.chord.sim.SimNetwork;

/**
 * Hop-count benchmark: grows a ring of unmodified {@link ChordPeer}s by real joins on the
 * simulated network ({@link SimNetwork}, manual clock), lets it settle, then issues lookups from
 * random peers and records per lookup the request transmissions of its transaction
 * ({@link SimNetwork#hopsOf}).
 *
 * <pre>
 * HopCountBench MODE N [lookups] [seed] [batch] [spacingMillis] [timers] [ids]
 *   MODE    full    every peer keeps the full-membership view (the default configuration)
 *           chord   fullMembership off: neighbours and fingers only
 *           origins chord-only ring plus 50 lookup origins with the view enabled, each handed the
 *                   converged view in one full-sync gossip message (see docs/benchmarks.md)
 *   batch   peers started at once per join round (default 1)
 *   timers  fast (the simulator tests' timers, default) or slow (stabilize 5 s, finger refresh 2 s,
 *           gossip 2 s)
 *   ids     balanced (default: each joiner picks its Node-ID to split the largest range it knows of)
 *           or random-ids (each peer is configured with a random Node-ID)
 * </pre>
 */
public final class HopCountBench {

    static final long TICK_MILLIS = ChordSimulation.TICK_MILLIS;
    static final int ORIGINS = 50;

    private final SplittableRandom random;
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private final SimNetwork net;
    private final List<ChordPeer> peers = new ArrayList<>();
    private final List<ChordPeer> live = new ArrayList<>();
    private final IntFunction<ChordConfig> configFor;
    private int failedJoins;

    HopCountBench(long seed, IntFunction<ChordConfig> configFor) {
        this.random = new SplittableRandom(seed);
        this.net = new SimNetwork(clock, random.split());
        this.configFor = configFor;
    }

    private ChordPeer start() {
        int index = peers.size();
        PeerAddress addr = SimNetwork.address(index);
        ChordConfig cfg = configFor.apply(index);
        SimNetwork.SimLink link = net.newLink(addr);
        ChordPeer peer = new ChordPeer(cfg, link, clock, random.split(), null);
        link.start(new LinkListener() {
            @Override
            public void onMessage(long connectionId, PeerAddress remoteListen, Message message) {
                peer.onMessage(connectionId, remoteListen, message);
            }

            @Override
            public void onConnectionClosed(long connectionId, PeerAddress remoteListen, String reason) {
                peer.onConnectionClosed(connectionId, remoteListen, reason);
            }
        });
        peers.add(peer);
        scheduleTick(peer, 1 + random.nextInt((int) TICK_MILLIS));
        join(peer);
        return peer;
    }

    private void join(ChordPeer peer) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<PeerAddress> via = live.isEmpty() ? List.of()
            : List.of(live.get(random.nextInt(live.size())).address());
        done.whenComplete((v, e) -> {
            if (e == null) {
                live.add(peer);
            } else {
                failedJoins++;
                net.schedule(1000, () -> join(peer));
            }
        });
        peer.join(via, done);
    }

    private void scheduleTick(ChordPeer p, long delay) {
        net.schedule(delay, () -> {
            p.tick();
            scheduleTick(p, TICK_MILLIS);
        });
    }

    /** Starts batch peers at a time, spacing ms apart, until n are started; then waits for all to be ACTIVE. */
    void grow(int n, int batch, long spacingMillis) {
        if (peers.isEmpty()) {
            start();
            net.runFor(spacingMillis);
        }
        long t0 = System.nanoTime();
        while (peers.size() < n) {
            int before = peers.size();
            for (int i = 0; i < batch && peers.size() < n; i++) {
                start();
            }
            net.runFor(spacingMillis);
            if (peers.size() / 1000 != before / 1000) {
                System.err.printf(Locale.ROOT, "grow: %d started, %d active, sim %d s, wall %.0f s%n", peers.size(),
                    live.size(), (clock.millis() - 1_700_000_000_000L) / 1000, (System.nanoTime() - t0) / 1e9);
            }
        }
        for (int i = 0; i < 600 && live.size() < n; i++) {
            net.runFor(100);
        }
    }

    TreeSet<NodeId> ring() {
        TreeSet<NodeId> ring = new TreeSet<>();
        for (ChordPeer p : peers) {
            if (p.state() == PeerState.ACTIVE) {
                ring.add(p.nodeId());
            }
        }
        return ring;
    }

    int successorMismatches(TreeSet<NodeId> ring) {
        int bad = 0;
        for (ChordPeer p : peers) {
            if (p.state() == PeerState.ACTIVE && !p.successors().equals(ChordSimulation.walk(ring, p.nodeId(), 5, true))) {
                bad++;
            }
        }
        return bad;
    }

    /** Hands a peer the converged view as one full-sync gossip message (a PingReq with every record). */
    void handConvergedView(ChordPeer to) {
        List<PeerRecord> records = new ArrayList<>();
        for (ChordPeer p : peers) {
            if (p.state() == PeerState.ACTIVE) {
                records.add(new PeerRecord(p.nodeId(), p.address(), 0, PeerStatus.ALIVE));
            }
        }
        ForwardingHeader h = new ForwardingHeader(ForwardingHeader.overlayId("sim.sipring"), 1, 100, random.nextLong(), 0,
            List.of(), List.of(new Destination.Node(to.nodeId())), new byte[0]);
        to.onMessage(-1, null, new Message(h, new PingReq(0), List.of(new PeerDirectory(records))));
    }

    record Result(int issued, int correct, int wrong, int failed, int[] hops) {
    }

    /** Lookups for random keys from random origins, spread over spreadMillis, then run until all finished. */
    Result lookups(int count, long spreadMillis, List<ChordPeer> origins) {
        TreeSet<NodeId> ring = ring();
        int[] correct = {0};
        int[] wrong = {0};
        int[] failed = {0};
        List<Integer> hops = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long at = random.nextLong(spreadMillis);
            ResourceId k = ResourceId.ofName("resource-" + random.nextLong());
            ChordPeer from = origins.get(random.nextInt(origins.size()));
            net.schedule(at, () -> {
                CompletableFuture<PeerInfo> f = new CompletableFuture<>();
                long tx = from.lookup(k, f);
                f.whenComplete((info, err) -> {
                    if (err != null) {
                        failed[0]++;
                        return;
                    }
                    NodeId truth = ring.ceiling(NodeId.at(k));
                    truth = truth != null ? truth : ring.first();
                    if (info.id().equals(truth)) {
                        correct[0]++;
                    } else {
                        wrong[0]++;
                    }
                    hops.add(tx == 0 ? 0 : net.hopsOf(tx));
                });
            });
        }
        net.runFor(spreadMillis + 20_000);
        return new Result(count, correct[0], wrong[0], failed[0], hops.stream().mapToInt(Integer::intValue).toArray());
    }

    static ChordConfig timers(ChordConfig c, String timers) {
        return switch (timers) {
            case "fast" -> ChordSimulation.fastTimers(c);
            case "slow" -> c.withTimers(java.time.Duration.ofMillis(400), java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(2));
            default -> throw new IllegalArgumentException("timers: fast or slow");
        };
    }

    public static void main(String[] args) {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 5000;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        long spacing = args.length > 5 ? Long.parseLong(args[5]) : 200;
        String timers = args.length > 6 ? args[6] : "fast";
        boolean randomIds = args.length > 7 && args[7].equals("random-ids");
        boolean fullForAll = mode.equals("full");
        int origins = mode.equals("origins") ? ORIGINS : 0;
        if (!List.of("full", "chord", "origins").contains(mode)) {
            throw new IllegalArgumentException("mode: full, chord or origins");
        }
        SplittableRandom ids = new SplittableRandom(seed ^ 0x5eed);
        HopCountBench b = new HopCountBench(seed, i -> {
            ChordConfig c = timers(ChordConfig.defaults("sim.sipring", SimNetwork.address(i)), timers)
                .withFullMembership(fullForAll || i < origins);
            return randomIds ? c.withNodeId(NodeId.random(ids)) : c;
        });

        long t0 = System.nanoTime();
        b.grow(n, batch, spacing);
        long grewAt = System.nanoTime();
        long simGrow = b.clock.millis() - 1_700_000_000_000L;
        // settle: three stabilize rounds, plus time for chord-only peers to refresh every finger twice
        long settle = fullForAll ? 20_000 : 40_000;
        b.net.runFor(settle);
        TreeSet<NodeId> ring = b.ring();
        int mismatches = b.successorMismatches(ring);
        List<ChordPeer> from = new ArrayList<>();
        if (origins > 0) {
            for (int i = 0; i < origins; i++) {
                b.handConvergedView(b.peers.get(i));
                from.add(b.peers.get(i));
            }
            b.net.runFor(100);
        } else {
            from.addAll(b.live);
        }
        b.net.clearHops();
        long l0 = System.nanoTime();
        Result r = b.lookups(count, 5000, from);
        long t1 = System.nanoTime();

        int[] h = r.hops().clone();
        Arrays.sort(h);
        double mean = Arrays.stream(h).average().orElse(0);
        int max = h.length == 0 ? 0 : h[h.length - 1];
        int[] hist = new int[max + 1];
        for (int x : h) {
            hist[x]++;
        }
        StringBuilder histogram = new StringBuilder();
        for (int i = 0; i <= max; i++) {
            histogram.append(i == 0 ? "" : " ").append(i).append(':').append(hist[i]);
        }
        System.out.printf(Locale.ROOT,
            "RESULT mode=%s N=%d seed=%d batch=%d spacing=%dms timers=%s ids=%s | live=%d failedJoins=%d succMismatch=%d"
                + " | lookups=%d correct=%d wrong=%d failed=%d | mean=%.3f p50=%d p99=%d max=%d"
                + " | hist[%s] | log2N=%.2f | grow: sim %.0f s, wall %.1f s; settle+lookups wall %.1f s (lookups %.1f s)"
                + " | msgs=%d heapUsedMB=%d%n",
            mode, n, seed, batch, spacing, timers, randomIds ? "random" : "balanced", ring.size(), b.failedJoins, mismatches, r.issued(), r.correct(),
            r.wrong(), r.failed(), mean, pct(h, 0.50), pct(h, 0.99), max, histogram,
            Math.log(n) / Math.log(2), simGrow / 1000.0, (grewAt - t0) / 1e9, (t1 - grewAt) / 1e9, (t1 - l0) / 1e9,
            b.net.messagesSent(), usedHeapMb());
    }

    static int pct(int[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static long usedHeapMb() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) >> 20;
    }
}
