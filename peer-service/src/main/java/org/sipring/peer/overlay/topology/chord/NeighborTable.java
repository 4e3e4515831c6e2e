package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NavigableSet;
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
     * Recomputes both sides from the live peers, given in id order (self, if present, is skipped):
     * the successors are the next peers walking up from self, wrapping past the top of the id
     * space, the predecessors the next walking down. O(size * log n) on a sorted set of n peers. In
     * a ring smaller than 2 * size the same peer can be both a successor and a predecessor, as in
     * any small Chord ring.
     *
     * @return true if either list changed
     */
    boolean rebuild(NavigableSet<NodeId> live) {
        List<NodeId> succ = walk(live, true);
        List<NodeId> pred = walk(live, false);
        boolean changed = !succ.equals(successors) || !pred.equals(predecessors);
        successors = succ;
        predecessors = pred;
        return changed;
    }

    private List<NodeId> walk(NavigableSet<NodeId> live, boolean up) {
        int others = live.contains(self) ? live.size() - 1 : live.size();
        int want = Math.min(size, others);
        List<NodeId> out = new ArrayList<>(want);
        NodeId cur = self;
        while (out.size() < want) {
            NodeId next = up ? live.higher(cur) : live.lower(cur);
            if (next == null) {
                next = up ? live.first() : live.last();
            }
            cur = next;
            if (!next.equals(self)) {
                out.add(next);
            }
        }
        return List.copyOf(out);
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
}
