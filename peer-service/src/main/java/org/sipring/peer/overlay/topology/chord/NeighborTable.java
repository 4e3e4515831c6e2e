package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.RingId;

/**
 * The chord-reload neighbor table (RFC 6940 §10.1): the nearest {@code size} peers clockwise
 * (successors) and counter-clockwise (predecessors), nearest first. Rebuilt from a candidate set,
 * so it is a pure function of what the peer currently believes is alive.
 */
final class NeighborTable {

    private final NodeId self;
    private final int size;
    private List<NodeId> successors = List.of();
    private List<NodeId> predecessors = List.of();

    NeighborTable(NodeId self, int size) {
        this.self = self;
        this.size = size;
    }

    /**
     * Recomputes both sides from the live candidates (self excluded). In a ring smaller than
     * 2 * size the same peer can be both a successor and a predecessor, as in any small Chord ring.
     *
     * @return true if either list changed
     */
    boolean rebuild(Collection<NodeId> liveCandidates) {
        List<NodeId> others = new ArrayList<>(liveCandidates.size());
        for (NodeId n : liveCandidates) {
            if (!n.equals(self)) {
                others.add(n);
            }
        }
        List<NodeId> succ = nearest(others, Comparator.comparing(n -> new Dist(self.distanceTo(n))));
        List<NodeId> pred = nearest(others, Comparator.comparing(n -> new Dist(n.distanceTo(self))));
        boolean changed = !succ.equals(successors) || !pred.equals(predecessors);
        successors = succ;
        predecessors = pred;
        return changed;
    }

    private List<NodeId> nearest(List<NodeId> others, Comparator<NodeId> order) {
        if (others.size() <= size) {
            List<NodeId> sorted = new ArrayList<>(others);
            sorted.sort(order);
            return List.copyOf(sorted);
        }
        // partial selection: others can be the whole membership view (thousands of peers)
        java.util.PriorityQueue<NodeId> worstFirst = new java.util.PriorityQueue<>(order.reversed());
        for (NodeId n : others) {
            worstFirst.add(n);
            if (worstFirst.size() > size) {
                worstFirst.poll();
            }
        }
        List<NodeId> sorted = new ArrayList<>(worstFirst);
        sorted.sort(order);
        return List.copyOf(sorted);
    }

    List<NodeId> successors() {
        return successors;
    }

    List<NodeId> predecessors() {
        return predecessors;
    }

    /** Every distinct neighbor, successors first. */
    Set<NodeId> all() {
        Set<NodeId> s = new LinkedHashSet<>(successors);
        s.addAll(predecessors);
        return s;
    }

    /** This peer's range, (predecessor, self]; the whole ring when it is alone (§10.1). */
    IdInterval responsibleRange() {
        return predecessors.isEmpty() ? IdInterval.openClosed(self, self)
            : IdInterval.openClosed(predecessors.get(0), self);
    }

    boolean isResponsibleFor(RingId k) {
        return responsibleRange().contains(k);
    }

    /** Unsigned 128-bit distance, comparable. */
    record Dist(long[] v) implements Comparable<Dist> {
        @Override
        public int compareTo(Dist o) {
            int c = Long.compareUnsigned(v[0], o.v[0]);
            return c != 0 ? c : Long.compareUnsigned(v[1], o.v[1]);
        }
    }
}
