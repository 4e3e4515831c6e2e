package org.sipring.peer.overlay;

import java.util.Comparator;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * The values of one kind under one resource: the unit that carries a generation counter (RFC 6940
 * §7.4.1), that changes atomically, and that moves between peers. Ordered by Resource-ID (unsigned)
 * then Kind-ID, which is the on-disk order, so a key range of Resource-IDs is one ordered scan.
 */
public record SlotKey(ResourceId resource, long kindId) implements Comparable<SlotKey> {

    private static final Comparator<SlotKey> ORDER = Comparator.comparing(SlotKey::resource)
        .thenComparingLong(SlotKey::kindId);

    public SlotKey {
        if (kindId < 0 || kindId > 0xffffffffL) {
            throw new IllegalArgumentException("Kind-ID must be a uint32: " + kindId);
        }
    }

    @Override
    public int compareTo(SlotKey o) {
        return ORDER.compare(this, o);
    }

    @Override
    public String toString() {
        return resource.shortHex() + "/" + kindId;
    }
}
