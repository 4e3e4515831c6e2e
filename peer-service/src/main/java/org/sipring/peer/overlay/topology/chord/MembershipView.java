package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;

/**
 * Every peer this peer has heard of, live or departed, with its link address: the membership view
 * that lets a lookup go straight to the responsible peer. Records merge by incarnation; at equal
 * incarnation a departure (LEFT, FAILED) wins over ALIVE, so news of a departure cannot be undone
 * except by the peer itself rejoining with a higher incarnation.
 *
 * <p>Not thread-safe: owned by the overlay's driver thread.
 */
final class MembershipView {

    /** Live peers ordered by Node-ID, for successor lookups. */
    private final TreeMap<NodeId, PeerRecord> alive = new TreeMap<>();
    private final Map<NodeId, PeerRecord> all = new HashMap<>();
    /** When a departed record was learned, for purging tombstones. */
    private final Map<NodeId, Long> departedAt = new HashMap<>();

    /** Outcome of merging one record. */
    enum Change { NONE, ADDED, UPDATED, DEPARTED }

    Change merge(PeerRecord r, long nowMillis) {
        PeerRecord old = all.get(r.id());
        if (old != null && !supersedes(r, old)) {
            return Change.NONE;
        }
        all.put(r.id(), r);
        if (r.status() == PeerStatus.ALIVE) {
            alive.put(r.id(), r);
            departedAt.remove(r.id());
            return old == null ? Change.ADDED : Change.UPDATED;
        }
        departedAt.put(r.id(), nowMillis);
        return alive.remove(r.id()) != null ? Change.DEPARTED : Change.NONE;
    }

    /** True if a is newer information than b about the same peer. */
    static boolean supersedes(PeerRecord a, PeerRecord b) {
        if (a.incarnation() != b.incarnation()) {
            return a.incarnation() > b.incarnation();
        }
        return a.status() != PeerStatus.ALIVE && b.status() == PeerStatus.ALIVE
            || a.status() == PeerStatus.LEFT && b.status() == PeerStatus.FAILED;
    }

    Optional<PeerRecord> get(NodeId id) {
        return Optional.ofNullable(all.get(id));
    }

    boolean isAlive(NodeId id) {
        return alive.containsKey(id);
    }

    Optional<PeerAddress> address(NodeId id) {
        PeerRecord r = all.get(id);
        return r == null ? Optional.empty() : Optional.of(r.address());
    }

    /** The first live peer at or after k, clockwise (the peer the view believes responsible). */
    Optional<NodeId> successorOf(RingId k) {
        if (alive.isEmpty()) {
            return Optional.empty();
        }
        NodeId key = NodeId.at(k);
        NodeId s = alive.ceilingKey(key);
        return Optional.of(s != null ? s : alive.firstKey());
    }

    /** Live peers in id order (a read-only view). */
    NavigableSet<NodeId> aliveIds() {
        return Collections.unmodifiableNavigableSet(alive.navigableKeySet());
    }

    List<PeerRecord> aliveRecords() {
        return new ArrayList<>(alive.values());
    }

    List<PeerRecord> allRecords() {
        return new ArrayList<>(all.values());
    }

    /** Records of peers declared failed (not those that left), until purged. */
    List<PeerRecord> failedRecords() {
        List<PeerRecord> out = new ArrayList<>();
        for (NodeId id : departedAt.keySet()) {
            PeerRecord r = all.get(id);
            if (r != null && r.status() == PeerStatus.FAILED) {
                out.add(r);
            }
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    int aliveCount() {
        return alive.size();
    }

    /** Forgets departed peers learned before the horizon. */
    void purgeDeparted(long horizonMillis) {
        departedAt.entrySet().removeIf(e -> {
            if (e.getValue() < horizonMillis) {
                all.remove(e.getKey());
                return true;
            }
            return false;
        });
    }
}
