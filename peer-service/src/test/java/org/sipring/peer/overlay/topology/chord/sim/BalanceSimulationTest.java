package org.sipring.peer.overlay.topology.chord.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;

/**
 * Peers that join without a Node-ID split the largest range they learn of, so the largest range
 * stays within twice the mean for every ring size from 3 to 50 (20 seeds each).
 */
class BalanceSimulationTest {

    static double largestToMean(TreeSet<NodeId> ring) {
        List<NodeId> ids = new ArrayList<>(ring);
        double largest = 0;
        for (int i = 0; i < ids.size(); i++) {
            largest = Math.max(largest, IdInterval.openClosed(ids.get(i), ids.get((i + 1) % ids.size())).fraction());
        }
        return largest * ids.size();
    }

    @Test
    void largestRangeStaysWithinTwiceTheMeanAfterJoins() {
        long base = SimSeeds.base();
        double worst = 0;
        for (int s = 0; s < 20; s++) {
            long seed = base + s;
            ChordSimulation sim = new ChordSimulation(seed, ChordSimulation::fastTimers);
            sim.grow(2, 300);
            for (int n = 3; n <= 50; n++) {
                sim.grow(n, 300);
                sim.runFor(500);
                TreeSet<NodeId> ring = sim.trueRing();
                double ratio = largestToMean(ring);
                worst = Math.max(worst, ratio);
                assertTrue(ring.size() == n, "seed " + seed + ": expected " + n + " members, have " + ring.size());
                assertTrue(ratio <= 2.0, "seed " + seed + ", N=" + n + ": largest range is " + ratio + "x the mean");
            }
        }
        System.out.println("balance after joins: worst largest/mean over 20 seeds, N=3..50: " + worst);
    }

    /**
     * From 50 peers, random peers leave one by one (gracefully or by crashing) down to 3; after
     * each departure the peers that chose their Node-IDs move to re-split oversized ranges, so the
     * largest range is back within twice the mean for every N, over 20 seeds.
     */
    @Test
    void largestRangeStaysWithinTwiceTheMeanAfterRandomLeaves() {
        long base = SimSeeds.base();
        double worst = 0;
        long moves = 0;
        for (int s = 0; s < 20; s++) {
            long seed = base + s;
            ChordSimulation sim = new ChordSimulation(seed, ChordSimulation::fastTimers);
            sim.grow(50, 200);
            sim.runFor(3_000);
            for (int n = 49; n >= 3; n--) {
                List<ChordSimulation.SimPeer> live = sim.livePeers();
                ChordSimulation.SimPeer victim = live.get(sim.random.nextInt(live.size()));
                if (sim.random.nextBoolean()) {
                    sim.leave(victim);
                } else {
                    sim.crash(victim);
                }
                sim.runFor(15_000);
                TreeSet<NodeId> ring = sim.trueRing();
                double ratio = largestToMean(ring);
                worst = Math.max(worst, ratio);
                assertTrue(ring.size() == n, "seed " + seed + ": expected " + n + " members, have " + ring.size());
                assertTrue(ratio <= 2.0, "seed " + seed + ", N=" + n + ": largest range is " + ratio + "x the mean");
            }
            moves += sim.peers().stream().mapToLong(p -> p.peer.stats().relocations).sum();
        }
        System.out.println("balance after leaves: worst largest/mean over 20 seeds, N=49..3: " + worst
            + ", moves " + moves);
    }
}
