package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;

/**
 * Picks the Node-ID of a peer that joins without one: the midpoint of the largest range among
 * the peers it knows of, moved by a tiny random offset (at most 2^-20 of that range) so that two
 * peers joining at once from the same view do not collide. Repeated halving keeps every range
 * within a factor of two of every other after joins, so the largest range stays below twice the
 * mean (docs/overlay.md).
 */
final class BalancedIdChooser {

    private BalancedIdChooser() {
    }

    /**
     * @param known    live peers known to the joiner (its own provisional id is ignored)
     * @param self     the joiner's provisional id, kept if nobody else is known
     */
    static NodeId choose(Collection<NodeId> known, NodeId self, RandomGenerator random) {
        List<NodeId> ids = new ArrayList<>();
        for (NodeId n : known) {
            if (!n.equals(self)) {
                ids.add(n);
            }
        }
        if (ids.isEmpty()) {
            return self;
        }
        ids.sort(null);
        IdInterval largest = largestRange(ids, random);
        long[] len = largest.length();
        // offset in [0, len / 2^20): shift the length right by 20 bits, then scale by a random fraction
        long offHi = len[0] >>> 20;
        long offLo = (len[1] >>> 20) | (len[0] << 44);
        long rnd = random.nextLong() >>> 1;
        long scaledLo = offHi != 0 ? rnd : (offLo == 0 ? 0 : Long.remainderUnsigned(rnd, offLo));
        NodeId id = largest.midpoint().plus(0, scaledLo);
        return ids.contains(id) || id.isWildcard() ? largest.midpoint().plusOne() : id;
    }

    /**
     * One of the widest arcs (a_i, a_i+1] between consecutive peers, chosen at random among those
     * within 1/64 of the widest, so that peers joining at once from the same view spread over the
     * equally large ranges instead of all aiming at the first. A lone peer's arc is the whole ring.
     */
    static IdInterval largestRange(List<NodeId> sortedIds, RandomGenerator random) {
        if (sortedIds.size() == 1) {
            NodeId only = sortedIds.get(0);
            return IdInterval.openClosed(only, only);
        }
        long[] widest = null;
        List<IdInterval> arcs = new ArrayList<>(sortedIds.size());
        for (int i = 0; i < sortedIds.size(); i++) {
            IdInterval arc = IdInterval.openClosed(sortedIds.get(i), sortedIds.get((i + 1) % sortedIds.size()));
            arcs.add(arc);
            long[] len = arc.length();
            if (widest == null || RoutingRule.cmp(len, widest) > 0) {
                widest = len;
            }
        }
        long qHi = widest[0] >>> 6;
        long qLo = (widest[1] >>> 6) | (widest[0] << 58);
        long tLo = widest[1] - qLo;
        long tHi = widest[0] - qHi - (Long.compareUnsigned(widest[1], qLo) < 0 ? 1 : 0);
        long[] threshold = {tHi, tLo};
        List<IdInterval> candidates = new ArrayList<>();
        for (IdInterval arc : arcs) {
            if (RoutingRule.cmp(arc.length(), threshold) >= 0) {
                candidates.add(arc);
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }
}
