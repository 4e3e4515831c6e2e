package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;

/**
 * Which peer should move to keep the largest range within twice the mean (docs/overlay.md), as a
 * pure function of the live membership so that every peer computes the same answer from the same
 * view. Peer i owns (id[i-1], id[i]]. If the largest range exceeds 2/N, the mover is the peer whose
 * removal merges the smallest pair of adjacent ranges (its own and its successor's), skipping the
 * owner of the largest range and that owner's predecessor, whose removal would only enlarge it.
 * No move is proposed unless the merged pair stays smaller than the largest range.
 */
final class RebalanceRule {

    private RebalanceRule() {
    }

    static Optional<NodeId> mover(Collection<NodeId> liveInIdOrder) {
        List<NodeId> ids = new ArrayList<>(liveInIdOrder);
        int n = ids.size();
        if (n < 3) {
            return Optional.empty();
        }
        double[] r = new double[n];
        int largest = 0;
        for (int i = 0; i < n; i++) {
            r[i] = IdInterval.openClosed(ids.get((i - 1 + n) % n), ids.get(i)).fraction();
            if (r[i] > r[largest]) {
                largest = i;
            }
        }
        if (r[largest] * n <= 2.0) {
            return Optional.empty();
        }
        int mover = -1;
        double best = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (i == largest || i == (largest - 1 + n) % n) {
                continue;
            }
            double merged = r[i] + r[(i + 1) % n];
            if (merged < best) {
                best = merged;
                mover = i;
            }
        }
        return mover >= 0 && best < r[largest] ? Optional.of(ids.get(mover)) : Optional.empty();
    }
}
