package org.sipring.peer.overlay.topology.chord.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChordSimulationTest {

    private static long seed() {
        return Long.getLong("sim.seed", System.nanoTime());
    }

    @Test
    void smallRingConvergesAndLooksUpExactly() {
        long seed = seed();
        ChordSimulation sim = new ChordSimulation(seed, ChordSimulation::fastTimers);
        sim.grow(20, 300);
        sim.runFor(3 * sim.stabilizeMillis());
        List<String> bad = sim.successorMismatches(5);
        assertTrue(bad.isEmpty(), "seed " + seed + ": " + bad);
        ChordSimulation.LookupStats s = sim.lookups(500, 2000);
        assertEquals(s.issued(), s.correct(), "seed " + seed + ": " + s);
        System.out.println("seed " + seed + " hops mean " + s.meanHops() + " max " + s.maxHops());
    }

    @Test
    void bigRing() {
        long seed = seed();
        ChordSimulation sim = new ChordSimulation(seed, ChordSimulation::fastTimers);
        long t0 = System.currentTimeMillis();
        sim.grow(300, 200);
        sim.runFor(3 * sim.stabilizeMillis());
        List<String> bad = sim.successorMismatches(5);
        System.out.println("grow took " + (System.currentTimeMillis() - t0) + " ms, mismatches " + bad.size());
        assertTrue(bad.isEmpty(), "seed " + seed + ": " + bad.subList(0, Math.min(5, bad.size())));
        ChordSimulation.LookupStats s = sim.lookups(2000, 5000);
        System.out.println("seed " + seed + " " + s + " hops mean " + s.meanHops() + " max " + s.maxHops()
            + " msgs " + sim.net.messagesSent() + " took " + (System.currentTimeMillis() - t0));
        assertEquals(s.issued(), s.correct(), "seed " + seed + ": " + s);
    }

    @Test
    void chordOnly() {
        long seed = seed();
        ChordSimulation sim = new ChordSimulation(seed, c -> ChordSimulation.fastTimers(c).withFullMembership(false));
        sim.grow(100, 300);
        sim.runFor(3 * sim.stabilizeMillis());
        List<String> bad = sim.successorMismatches(5);
        assertTrue(bad.isEmpty(), "seed " + seed + ": " + bad.subList(0, Math.min(5, bad.size())));
        sim.runFor(40_000);
        List<String> badPreds = sim.predecessorMismatches(5);
        assertTrue(badPreds.isEmpty(), "seed " + seed + ": " + badPreds.subList(0, Math.min(5, badPreds.size())));
        ChordSimulation.LookupStats s = sim.lookups(1000, 5000);
        System.out.println("chord-only seed " + seed + " hops mean " + s.meanHops() + " max " + s.maxHops()
            + " hist " + java.util.Arrays.toString(s.hopHistogram()));
        assertEquals(s.issued(), s.correct(), "seed " + seed + ": " + s);
    }
}
