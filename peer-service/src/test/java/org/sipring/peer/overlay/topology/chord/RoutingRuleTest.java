package org.sipring.peer.overlay.topology.chord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;

class RoutingRuleTest {

    private static NodeId n(int top) {
        return new NodeId((long) top << 56, 0);
    }

    @Test
    void picksTheLargestEntryBetweenSelfAndKey() {
        NodeId self = n(0x10);
        List<NodeId> table = List.of(n(0x20), n(0x40), n(0x80), n(0xc0));
        assertEquals(n(0x40), RoutingRule.nextHop(self, n(0x50), table).orElseThrow());
        assertEquals(n(0x80), RoutingRule.nextHop(self, n(0x80), table).orElseThrow(), "an entry equal to k is responsible");
    }

    @Test
    void fallsBackToTheSmallestEntryAfterTheKey() {
        NodeId self = n(0x10);
        List<NodeId> table = List.of(n(0x40), n(0x80));
        assertEquals(n(0x40), RoutingRule.nextHop(self, n(0x18), table).orElseThrow());
    }

    @Test
    void wrapsAroundZero() {
        NodeId self = n(0xe0);
        List<NodeId> table = List.of(n(0xf0), n(0x08), n(0x40));
        assertEquals(n(0x08), RoutingRule.nextHop(self, n(0x10), table).orElseThrow());
        assertEquals(n(0xf0), RoutingRule.nextHop(self, n(0xf8), table).orElseThrow());
    }

    @Test
    void fingerTargetsLieInTheRangesOfRfc6940Section10_3() {
        SplittableRandom random = new SplittableRandom(7);
        NodeId self = NodeId.random(random);
        FingerTable table = new FingerTable(self, 128, random);
        BigInteger two = BigInteger.TWO;
        BigInteger mod = two.pow(128);
        assertEquals(self.plusPowerOfTwo(127), table.target(0), "finger 0 is 180 degrees around");
        for (int i = 1; i < 128; i++) {
            BigInteger offset = table.target(i).toBigInteger().subtract(self.toBigInteger()).mod(mod);
            BigInteger low = two.pow(128 - i);
            BigInteger high = two.pow(129 - i).subtract(BigInteger.ONE);
            assertTrue(offset.compareTo(low) >= 0 && offset.compareTo(high) <= 0,
                "finger " + i + " offset " + offset.toString(16) + " outside [2^" + (128 - i) + ", 2^" + (129 - i) + "-1]");
        }
    }

    @Test
    void balancedChooserSplitsTheLargestRange() {
        NodeId a = n(0x00);
        NodeId b = n(0x40);
        NodeId c = n(0x60);
        NodeId chosen = BalancedIdChooser.choose(List.of(a, b, c), NodeId.random(new SplittableRandom(1)),
            new SplittableRandom(2));
        assertTrue(IdInterval.openClosed(c, a).contains(chosen), "the range (0x60, 0x00] is the largest");
        assertTrue(ChordPeer.nearMiddle(IdInterval.openClosed(c, a), chosen));
    }

    @Test
    void aloneTheNeighborTableCoversTheWholeRing() {
        NodeId self = n(0x33);
        NeighborTable t = new NeighborTable(self, 3);
        t.rebuild(new java.util.TreeSet<>(List.of(self)));
        assertTrue(t.isResponsibleFor(n(0x01)));
        t.rebuild(new java.util.TreeSet<>(List.of(self, n(0x10), n(0x20), n(0x50), n(0x90), n(0xa0))));
        assertEquals(List.of(n(0x50), n(0x90), n(0xa0)), t.successors());
        assertEquals(List.of(n(0x20), n(0x10), n(0xa0)), t.predecessors());
        assertTrue(t.isResponsibleFor(n(0x30)));
        assertTrue(!t.isResponsibleFor(n(0x34)));
    }
}
