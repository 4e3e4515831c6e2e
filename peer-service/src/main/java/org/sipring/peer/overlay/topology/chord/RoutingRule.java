package org.sipring.peer.overlay.topology.chord;

import java.util.Collection;
import java.util.Optional;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.RingId;

/**
 * The chord-reload next-hop rule (RFC 6940 §10.3), as a pure function. Given the routing-table
 * entries a peer has, a message for k goes to the entry with the largest Node-ID between self and
 * k (walking clockwise, k included: such an entry is either responsible for k or closer to it);
 * failing that, to the entry with the smallest Node-ID greater than k. Direct connections to the
 * destination are handled before this rule by the caller.
 */
final class RoutingRule {

    private RoutingRule() {
    }

    static Optional<NodeId> nextHop(NodeId self, RingId k, Collection<NodeId> entries) {
        NodeId bestBefore = null;
        long[] bestBeforeDist = null;
        NodeId bestAfter = null;
        long[] bestAfterDist = null;
        long[] toK = self.distanceTo(k);
        for (NodeId e : entries) {
            if (e.equals(self)) {
                continue;
            }
            long[] d = self.distanceTo(e);
            if (cmp(d, toK) <= 0) {
                if (bestBeforeDist == null || cmp(d, bestBeforeDist) > 0) {
                    bestBefore = e;
                    bestBeforeDist = d;
                }
            } else {
                long[] past = k.distanceTo(e);
                if (bestAfterDist == null || cmp(past, bestAfterDist) < 0) {
                    bestAfter = e;
                    bestAfterDist = past;
                }
            }
        }
        return Optional.ofNullable(bestBefore != null ? bestBefore : bestAfter);
    }

    static int cmp(long[] a, long[] b) {
        int c = Long.compareUnsigned(a[0], b[0]);
        return c != 0 ? c : Long.compareUnsigned(a[1], b[1]);
    }
}
