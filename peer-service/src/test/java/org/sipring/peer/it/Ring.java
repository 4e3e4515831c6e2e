package org.sipring.peer.it;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The ring that a set of live Node-IDs should form: for each peer, its nearest successors
 * (clockwise) and predecessors, as many as the neighbor table holds and at most n-1. Ids are
 * 32 lowercase hex digits, so string order is the ring's numeric order.
 */
public final class Ring {

    private final List<String> ids;

    public Ring(Collection<String> nodeIds) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String id : nodeIds) {
            if (id == null || !id.matches("[0-9a-fA-F]{32}")) {
                throw new IllegalArgumentException("not a Node-ID: " + id);
            }
            sorted.add(id.toLowerCase(Locale.ROOT));
        }
        this.ids = List.copyOf(sorted);
    }

    public List<String> ids() {
        return ids;
    }

    /** The expected successor list of {@code id}, nearest first. */
    public List<String> successors(String id, int neighbors) {
        return walk(id, neighbors, +1);
    }

    /** The expected predecessor list of {@code id}, nearest first. */
    public List<String> predecessors(String id, int neighbors) {
        return walk(id, neighbors, -1);
    }

    private List<String> walk(String id, int neighbors, int step) {
        int at = ids.indexOf(id.toLowerCase(Locale.ROOT));
        if (at < 0) {
            throw new IllegalArgumentException(id + " is not in the ring");
        }
        int n = ids.size();
        int k = Math.min(neighbors, n - 1);
        List<String> out = new ArrayList<>(k);
        for (int i = 1; i <= k; i++) {
            out.add(ids.get(Math.floorMod(at + step * i, n)));
        }
        return out;
    }

    /** Null if {@code status} has exactly the expected neighbours, else a description of the difference. */
    public String mismatch(PeerStatus status, int neighbors) {
        List<String> succ = successors(status.nodeId(), neighbors);
        List<String> pred = predecessors(status.nodeId(), neighbors);
        if (succ.equals(status.successorIds()) && pred.equals(status.predecessorIds())) {
            return null;
        }
        return status.nodeId().substring(0, 8) + " at " + status.address() + ": successors " + shortIds(status.successorIds())
            + " expected " + shortIds(succ) + ", predecessors " + shortIds(status.predecessorIds()) + " expected "
            + shortIds(pred);
    }

    private static List<String> shortIds(List<String> ids) {
        return ids.stream().map(s -> s.substring(0, Math.min(8, s.length()))).toList();
    }
}
