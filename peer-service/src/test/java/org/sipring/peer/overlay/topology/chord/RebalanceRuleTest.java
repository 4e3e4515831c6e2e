package org.sipring.peer.overlay.topology.chord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.id.NodeId;

class RebalanceRuleTest {

    private static NodeId at(int sixteenths) {
        return new NodeId((long) sixteenths << 60, 0);
    }

    @Test
    void balancedRingsStayPut() {
        assertEquals(Optional.empty(), RebalanceRule.mover(List.of(at(0), at(4), at(8), at(12))));
        // 1/2, 1/4, 1/4 of the ring: largest = 1.5x the mean
        assertEquals(Optional.empty(), RebalanceRule.mover(List.of(at(0), at(8), at(12))));
    }

    @Test
    void theSmallestAdjacentPairAwayFromTheLargestRangeMoves() {
        // ranges owned: at(1) 1/16 (from 0), at(2) 1/16, at(3) 1/16, at(4) 1/16, at(0) 12/16 (from 4)
        List<NodeId> ring = List.of(at(0), at(1), at(2), at(3), at(4));
        // largest is owned by at(0); its predecessor at(4) and at(0) itself may not move;
        // pairs: at(1)+at(2), at(2)+at(3) both 2/16; the first in id order wins
        assertEquals(Optional.of(at(1)), RebalanceRule.mover(ring));
    }

    @Test
    void neitherTheOwnerOfTheLargestRangeNorItsPredecessorMoves() {
        // 3 peers at 0, 1/16, 2/16: at(0) owns 14/16; at(2) precedes it; only at(1) may move
        assertEquals(Optional.of(at(1)), RebalanceRule.mover(List.of(at(0), at(1), at(2))));
    }

    @Test
    void twoPeersNeverMove() {
        assertEquals(Optional.empty(), RebalanceRule.mover(List.of(at(0), at(1))));
    }
}
