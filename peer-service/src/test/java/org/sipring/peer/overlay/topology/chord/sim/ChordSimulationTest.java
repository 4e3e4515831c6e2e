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
}
