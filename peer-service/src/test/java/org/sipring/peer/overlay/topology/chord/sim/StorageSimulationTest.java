package org.sipring.peer.overlay.topology.chord.sim;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.topology.chord.sim.ChordSimulation.SimPeer;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.KindSpec;

/**
 * Replicated storage on the simulated overlay: values written through random peers while peers
 * crash, join, leave and the network splits and heals. What must hold:
 * <ul>
 *   <li>at every step (every 200 ms of simulated time) each acknowledged value is held by some
 *       live peer (by three when no peer crashes), and, outside partitions, a fetch through a
 *       random live peer returns it;</li>
 *   <li>once the ring is stable and repair has run, each acknowledged value is held by the peer
 *       truly responsible for it and its two true successors, the three copies of each slot are
 *       identical, and a fetch through any live peer returns it.</li>
 * </ul>
 * Each scenario runs over several seeds (-Dsim.seeds=N for more); -Dsim.seed=N replays the one
 * seed a failure names. From the stable ring on, 1 % of messages are lost.
 */
class StorageSimulationTest {

    static final Kind DICT = new Kind(0xf0000003L, "dictionary", DataModel.DICTIONARY);
    static final String ADD_ENTRY = "add-entry";
    static final long LIFETIME_SECONDS = 86_400;
    static final long STEP_MILLIS = 200;
    static final int SEEDS = 5;
    static final double DROP_RATE = 0.01;

    /** Adds the dictionary entry the argument names (key and value are the argument). */
    static final SlotProcedure ADD = (current, argument, now) -> new SlotProcedure.Outcome(
        List.of(new StoredValue(0, LIFETIME_SECONDS, 0, argument, true, argument)), argument);

    static final KindRegistry KINDS = new KindRegistry(List.of(new KindSpec(DICT, 10_000, 1024)));

    /** One dictionary entry written under a resource. */
    record Write(ResourceId resource, String key, String value) {
        SlotKey slot() {
            return new SlotKey(resource, DICT.id());
        }

        boolean in(List<StoredValue> values) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            byte[] v = value.getBytes(StandardCharsets.UTF_8);
            return values.stream().anyMatch(x -> x.exists() && Arrays.equals(x.key(), k) && Arrays.equals(x.value(), v));
        }

        @Override
        public String toString() {
            return resource.shortHex() + "[" + key + "]";
        }
    }

    /** One seeded run: the simulation, the writes issued and those acknowledged. */
    static final class Run {
        final long seed;
        final ChordSimulation sim;
        final List<Write> acked = new ArrayList<>();
        final Set<Write> ackedSet = new HashSet<>();
        int issued;
        int refused;
        int fetchChecks;
        boolean fetchChecking = true;
        /** Copies every acknowledged value has at every step: 1 when peers crash, 3 without. */
        int minCopies = 1;
        /** Bumped when fetch checks stop (a partition starts): answers to fetches issued before are not judged. */
        int fetchEpoch;
        final List<String> violations = new ArrayList<>();
        final List<String> refusals = new ArrayList<>();

        Run(long seed) {
            this.seed = seed;
            this.sim = new ChordSimulation(seed, ChordSimulation::fastTimers)
                .withStorage(KINDS, Map.of(ADD_ENTRY, ADD), ChordSimulation.fastSync());
        }

        SimPeer randomLive() {
            List<SimPeer> live = sim.livePeers();
            return live.get(sim.random.nextInt(live.size()));
        }

        /** Stores one unique entry through a random live peer, now. */
        void write(ResourceId resource, String key) {
            List<SimPeer> live = sim.livePeers();
            if (live.isEmpty()) {
                return;
            }
            SimPeer from = live.get(sim.random.nextInt(live.size()));
            Write w = new Write(resource, key, "v-" + key + "-" + seed);
            issued++;
            CompletableFuture<StoreResult> f = new CompletableFuture<>();
            from.client.store(from.peer, resource, DICT, List.of(new StoredValue(0, LIFETIME_SECONDS, 0,
                w.key.getBytes(StandardCharsets.UTF_8), true, w.value.getBytes(StandardCharsets.UTF_8))), f);
            f.whenComplete((r, e) -> acknowledged(w, e));
        }

        void acknowledged(Write w, Throwable e) {
            if (e == null) {
                acked.add(w);
                ackedSet.add(w);
            } else {
                refused++;
                if (refusals.size() < 3) {
                    refusals.add(w + ": " + e.getMessage());
                }
            }
        }

        /** Schedules count writes at random times over the next spreadMillis, over the given resources. */
        void writesDuring(int count, long spreadMillis, int resources, String prefix) {
            for (int i = 0; i < count; i++) {
                String key = prefix + i;
                ResourceId r = ResourceId.ofName(prefix + "-aor-" + sim.random.nextInt(resources));
                sim.net.schedule(sim.random.nextLong(spreadMillis), () -> write(r, key));
            }
        }

        /** Fetch checks stop (while the network is split, a side cannot read what the other holds). */
        void stopFetchChecks() {
            fetchChecking = false;
            fetchEpoch++;
        }

        /** Runs the simulation in steps, checking the step invariants after each. */
        void runChecked(long millis) {
            long end = sim.net.now() + millis;
            long nextFetch = sim.net.now() + 1_000;
            while (sim.net.now() < end) {
                sim.runFor(Math.min(STEP_MILLIS, end - sim.net.now()));
                checkHeldByLivePeer();
                if (fetchChecking && sim.net.now() >= nextFetch) {
                    nextFetch = sim.net.now() + 1_000;
                    fetchAllThroughRandomPeers("step");
                }
            }
        }

        /**
         * Every acknowledged value is in the storage of at least {@link #minCopies} serving peers
         * (ACTIVE, or DRAINING before a leave: a leaver's copies count until it has left, by
         * when it has handed them on).
         */
        void checkHeldByLivePeer() {
            List<SimPeer> serving = sim.runningPeers().stream().filter(p -> p.peer.state() == PeerState.ACTIVE
                || p.peer.state() == PeerState.DRAINING).toList();
            for (Write w : acked) {
                long copies = serving.stream().filter(p -> w.in(p.held(w.slot()))).count();
                if (copies < minCopies) {
                    violation("acknowledged " + w + " is held by " + copies + " serving peers " + holdersOf(w)
                        + ", expected at least " + minCopies);
                }
            }
        }

        /**
         * Fetches every acknowledged value through a random live peer; the answers are checked
         * when they arrive (a value acknowledged before the fetch was issued must be in it).
         */
        void fetchAllThroughRandomPeers(String when) {
            List<SimPeer> live = sim.livePeers();
            if (live.isEmpty()) {
                return;
            }
            Map<ResourceId, List<Write>> byResource = new HashMap<>();
            for (Write w : acked) {
                byResource.computeIfAbsent(w.resource, x -> new ArrayList<>()).add(w);
            }
            int epoch = fetchEpoch;
            for (Map.Entry<ResourceId, List<Write>> e : byResource.entrySet()) {
                SimPeer from = live.get(sim.random.nextInt(live.size()));
                List<Write> expected = List.copyOf(e.getValue());
                long at = sim.net.now();
                CompletableFuture<List<StoredValue>> f = new CompletableFuture<>();
                fetchChecks++;
                from.client.fetch(from.peer, e.getKey(), DICT, f);
                f.whenComplete((values, err) -> {
                    if (epoch != fetchEpoch) {
                        return;
                    }
                    if (err != null) {
                        violation(when + " fetch of " + e.getKey().shortHex() + " issued at " + at + " through "
                            + from.id().shortHex() + " failed: " + err.getMessage());
                        return;
                    }
                    for (Write w : expected) {
                        if (!w.in(values)) {
                            violation(when + " fetch issued at " + at + " through " + from.id().shortHex()
                                + " misses acknowledged " + w + " (" + values.size() + " values returned)");
                        }
                    }
                });
            }
        }

        void violation(String what) {
            if (violations.size() < 20) {
                violations.add("t=" + sim.net.now() + " " + what);
            }
        }

        /** Runs until every running peer is ACTIVE with exact successor lists (at most maxMillis). */
        void awaitStableRing(long maxMillis) {
            long end = sim.net.now() + maxMillis;
            while (sim.net.now() < end) {
                runChecked(500);
                boolean allActive = sim.runningPeers().stream().allMatch(SimPeer::isLive);
                if (allActive && sim.successorMismatches(5).isEmpty() && sim.predecessorMismatches(5).isEmpty()) {
                    return;
                }
            }
            fail(prefix() + "ring not stable after " + maxMillis + " ms: " + sim.successorMismatches(5));
        }

        /** The stable ring, then long enough for the takeover merges and two rounds of repair. */
        void settle() {
            awaitStableRing(40_000);
            runChecked(4 * ChordSimulation.fastSync().repairIntervalMillis() + ChordSimulation.fastSync().graceMillis());
            awaitStableRing(20_000);
        }

        /**
         * The end-state invariants: every acknowledged value held by its truly responsible peer
         * and that peer's two true successors, whose copies of each slot are identical, and
         * readable by a fetch through a random live peer.
         */
        void checkFinal() {
            Map<NodeId, SimPeer> byId = new HashMap<>();
            for (SimPeer p : sim.livePeers()) {
                byId.put(p.id(), p);
            }
            List<String> misplaced = new ArrayList<>();
            Set<ResourceId> resources = new HashSet<>();
            for (Write w : acked) {
                resources.add(w.resource);
                NodeId owner = sim.trulyResponsible(w.resource);
                List<NodeId> holders = new ArrayList<>();
                holders.add(owner);
                holders.addAll(sim.trueSuccessors(owner, 2));
                for (NodeId h : holders) {
                    if (!w.in(byId.get(h).held(w.slot()))) {
                        misplaced.add(w + " missing at " + h.shortHex() + " (replica "
                            + holders.indexOf(h) + " of owner " + owner.shortHex() + ", held by "
                            + holdersOf(w) + ")");
                    }
                }
            }
            for (ResourceId r : resources) {
                NodeId owner = sim.trulyResponsible(r);
                Optional<Slot> first = slotAt(byId.get(owner), r);
                for (NodeId s : sim.trueSuccessors(owner, 2)) {
                    Optional<Slot> copy = slotAt(byId.get(s), r);
                    if (!sameContent(first, copy)) {
                        misplaced.add("copies of " + r.shortHex() + " differ: owner " + owner.shortHex() + " "
                            + describe(first) + ", " + s.shortHex() + " " + describe(copy));
                    }
                }
            }
            if (!misplaced.isEmpty()) {
                fail(prefix() + misplaced.size() + " placement failures, first: "
                    + misplaced.subList(0, Math.min(8, misplaced.size())) + summary());
            }
            checkNoStrayCopies();
            fetchChecking = false;
            fetchAllThroughRandomPeers("final");
            runChecked(15_000);
            assertNoViolations();
            fetchChecking = true;
        }

        /**
         * No live peer keeps a slot outside (its fourth true predecessor, itself], the range it
         * holds plus one of slack: what joins and partitions left elsewhere went to its owners.
         */
        void checkNoStrayCopies() {
            if (sim.trueRing().size() <= 4) {
                fail(prefix() + "a ring of 4 peers or fewer keeps everything everywhere: nothing to check");
            }
            List<String> strays = new ArrayList<>();
            int held = 0;
            for (SimPeer p : sim.livePeers()) {
                IdInterval kept = IdInterval.openClosed(sim.truePredecessors(p.id(), 4).get(3), p.id());
                for (Slot s : p.storage.scan(IdInterval.openClosed(p.id(), p.id()), null, Integer.MAX_VALUE,
                    Integer.MAX_VALUE).join()) {
                    held++;
                    if (!kept.contains(s.key().resource())) {
                        strays.add(s.key().resource().shortHex() + " at " + p.id().shortHex() + " (keeps " + kept + ")");
                    }
                }
            }
            if (held == 0 || !strays.isEmpty()) {
                fail(prefix() + strays.size() + " stray copies of " + held + " held, first: "
                    + strays.subList(0, Math.min(8, strays.size())) + summary());
            }
        }

        /** Most writes must get through, or the invariants above would hold vacuously. */
        void assertAcknowledgedAtLeast(double fraction) {
            if (acked.size() < fraction * issued) {
                fail(prefix() + "only " + acked.size() + " of " + issued + " writes acknowledged, expected at least "
                    + Math.round(fraction * 100) + " %" + summary());
            }
        }

        void assertNoViolations() {
            if (!violations.isEmpty()) {
                fail(prefix() + violations.size() + " violations, first: " + violations.subList(0,
                    Math.min(8, violations.size())) + summary());
            }
        }

        List<String> holdersOf(Write w) {
            List<String> out = new ArrayList<>();
            for (SimPeer p : sim.livePeers()) {
                if (w.in(p.held(w.slot()))) {
                    out.add(p.id().shortHex());
                }
            }
            return out;
        }

        static Optional<Slot> slotAt(SimPeer p, ResourceId r) {
            IdInterval one = IdInterval.openClosed(NodeId.at(r).plus(-1L, -1L), NodeId.at(r));
            List<Slot> slots = p.storage.scan(one, null, 10, Integer.MAX_VALUE).join();
            return slots.stream().filter(s -> s.key().equals(new SlotKey(r, DICT.id()))).findFirst();
        }

        static boolean sameContent(Optional<Slot> a, Optional<Slot> b) {
            if (a.isEmpty() || b.isEmpty()) {
                return a.isEmpty() == b.isEmpty();
            }
            return a.get().generation() == b.get().generation() && a.get().elements().equals(b.get().elements());
        }

        static String describe(Optional<Slot> s) {
            return s.map(x -> "gen " + x.generation() + ", " + x.elements().size() + " elements").orElse("none");
        }

        String prefix() {
            return "seed " + seed + " (replay with -Dsim.seed=" + seed + "): ";
        }

        String summary() {
            return "; issued " + issued + ", acknowledged " + acked.size() + ", refused " + refused + " " + refusals
                + ", unanswered " + (issued - acked.size() - refused) + ", " + fetchChecks + " fetches checked, ring "
                + sim.trueRing().size() + " peers";
        }
    }

    private static void forSeeds(String scenario, LongFunction<Run> body) {
        Long fixed = Long.getLong("sim.seed");
        long base = SimSeeds.base();
        int n = fixed != null ? 1 : Integer.getInteger("sim.seeds", SEEDS);
        for (int s = 0; s < n; s++) {
            long seed = base + s;
            long started = System.nanoTime();
            Run run;
            try {
                run = body.apply(seed);
            } catch (RuntimeException e) {
                throw new AssertionError(scenario + ", seed " + seed + " (replay with -Dsim.seed=" + seed + "): " + e, e);
            }
            System.out.println(scenario + ", seed " + seed + ": " + (System.nanoTime() - started) / 1_000_000 + " ms, "
                + run.summary().substring(2));
        }
    }

    /** A stable ring of the given size, then 1 % of messages lost from there on. */
    private static Run started(long seed, int peers) {
        Run run = new Run(seed);
        run.sim.grow(peers, 300);
        run.awaitStableRing(20_000);
        run.sim.net.setDropRate(DROP_RATE);
        return run;
    }

    /**
     * Two adjacent peers crash at once after 300 writes: the third copy restores the other two.
     * Then two fresh peers take their place.
     */
    @Test
    void adjacentCrashesLoseNoAcknowledgedWrite() {
        forSeeds("A adjacent crashes", seed -> {
            Run run = started(seed, 10);
            run.writesDuring(300, 6_000, 120, "a");
            run.runChecked(12_000);
            if (run.acked.size() != 300) {
                fail(run.prefix() + "in a stable ring all 300 writes must be acknowledged" + run.summary());
            }
            List<SimPeer> live = run.sim.livePeers();
            SimPeer first = live.get(run.sim.random.nextInt(live.size()));
            NodeId next = run.sim.trueSuccessors(first.id(), 1).get(0);
            SimPeer second = live.stream().filter(p -> p.id().equals(next)).findFirst().orElseThrow();
            run.sim.crash(first);
            run.sim.crash(second);
            run.writesDuring(100, 4_000, 120, "a2-");
            run.runChecked(6_000);
            run.settle();
            run.checkFinal();
            // the crashed processes come back as fresh peers, with empty storage, while writes go on
            run.writesDuring(100, 3_000, 120, "a3-");
            run.sim.startPeer();
            run.runChecked(1_000);
            run.sim.startPeer();
            run.runChecked(3_000);
            run.settle();
            run.checkFinal();
            run.assertAcknowledgedAtLeast(0.9);
            return run;
        });
    }

    /** Five joins then three graceful leaves, one at a time, all while writes go on. */
    @Test
    void joinsAndGracefulLeavesDuringWritesLoseNothing() {
        forSeeds("B joins and leaves", seed -> {
            Run run = started(seed, 10);
            run.minCopies = 3;
            run.writesDuring(350, 16_000, 150, "b");
            for (int i = 0; i < 5; i++) {
                run.sim.startPeer();
                run.runChecked(1_500);
            }
            for (int i = 0; i < 3; i++) {
                SimPeer leaver = run.randomLive();
                CompletableFuture<Void> left = run.sim.leave(leaver);
                long deadline = run.sim.net.now() + 20_000;
                while (!left.isDone() && run.sim.net.now() < deadline) {
                    run.runChecked(STEP_MILLIS);
                }
                if (!left.isDone()) {
                    fail(run.prefix() + "leave of " + leaver.id().shortHex() + " did not finish");
                }
                run.runChecked(1_000);
            }
            run.runChecked(3_000);
            run.settle();
            run.checkFinal();
            run.assertAcknowledgedAtLeast(0.9);
            return run;
        });
    }

    /** The network splits in two for a while and heals, writes going on throughout. */
    @Test
    void healedPartitionConverges() {
        forSeeds("C partition", seed -> {
            Run run = started(seed, 10);
            run.writesDuring(150, 4_000, 100, "c");
            run.runChecked(6_000);
            List<SimPeer> live = new ArrayList<>(run.sim.livePeers());
            Set<PeerAddress> side = new HashSet<>();
            while (side.size() < 4) {
                side.add(live.get(run.sim.random.nextInt(live.size())).peer.address());
            }
            run.stopFetchChecks();
            run.sim.net.partition(side);
            run.writesDuring(150, 8_000, 100, "c2-");
            run.runChecked(8_000);
            run.sim.net.healPartitions();
            run.writesDuring(100, 4_000, 100, "c3-");
            run.runChecked(5_000);
            run.settle();
            run.fetchChecking = true;
            run.checkFinal();
            run.assertAcknowledgedAtLeast(0.5);
            return run;
        });
    }

    /**
     * Three peers update one resource concurrently with an atomic procedure, and the peer
     * responsible for it crashes half-way: every acknowledged update is in the slot at the end,
     * no two acknowledged updates got the same generation, and the generation never went back.
     */
    @Test
    void concurrentAtomicUpdatesOfOneResource() {
        forSeeds("D atomic updates", seed -> {
            Run run = started(seed, 10);
            ResourceId shared = ResourceId.ofName("shared-aor");
            NodeId owner = run.sim.trulyResponsible(shared);
            List<SimPeer> others = new ArrayList<>(run.sim.livePeers().stream()
                .filter(p -> !p.id().equals(owner)).toList());
            List<SimPeer> issuers = new ArrayList<>();
            while (issuers.size() < 3) {
                issuers.add(others.remove(run.sim.random.nextInt(others.size())));
            }
            Map<Long, String> generations = new HashMap<>();
            for (int i = 0; i < issuers.size(); i++) {
                SimPeer from = issuers.get(i);
                for (int n = 0; n < 40; n++) {
                    String key = "u" + i + "-" + n;
                    run.sim.net.schedule(run.sim.random.nextLong(6_000), () -> {
                        Write w = new Write(shared, key, key);
                        run.issued++;
                        CompletableFuture<UpdateResult> f = new CompletableFuture<>();
                        from.client.update(from.peer, shared, DICT, ADD_ENTRY, key.getBytes(StandardCharsets.UTF_8), f);
                        f.whenComplete((r, e) -> {
                            run.acknowledged(w, e);
                            String before = e == null ? generations.put(r.generation(), key) : null;
                            if (before != null) {
                                run.violation("updates " + before + " and " + key + " were both acknowledged with"
                                    + " generation " + r.generation());
                            }
                        });
                    });
                }
            }
            run.runChecked(3_000);
            run.sim.peers().stream().filter(p -> p.id().equals(owner)).findFirst().ifPresent(run.sim::crash);
            run.runChecked(8_000);
            run.settle();
            run.checkFinal();
            run.assertAcknowledgedAtLeast(0.9);
            long last = generations.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
            SimPeer nowOwner = run.sim.livePeers().stream()
                .filter(p -> p.id().equals(run.sim.trulyResponsible(shared))).findFirst().orElseThrow();
            long generation = Run.slotAt(nowOwner, shared).map(Slot::generation).orElse(0L);
            if (generation < last) {
                fail(run.prefix() + "the slot's generation went back from " + last + " to " + generation);
            }
            return run;
        });
    }
}
