package org.sipring.peer.overlay;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything stored for one kind under one resource: its generation counter (RFC 6940 §7.4.1)
 * and its elements sorted by name, tombstones included.
 *
 * @param purgeAt the earliest time at which one of the elements is due to be purged (its expiry,
 *                or for a tombstone the end of the tombstone retention), {@link Long#MAX_VALUE}
 *                for an empty slot; the store indexes slots by it so the sweep never scans
 */
public record Slot(SlotKey key, long generation, List<Element> elements, long purgeAt) {

    public Slot {
        List<Element> sorted = new ArrayList<>(elements);
        sorted.sort((a, b) -> Element.compareNames(a.name(), b.name()));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i - 1).sameName(sorted.get(i))) {
                throw new IllegalArgumentException("duplicate element in slot " + key);
            }
        }
        elements = List.copyOf(sorted);
    }

    /** The latest storage_time of any element (tombstones included), 0 for none. */
    public long lastStorageTime() {
        long t = 0;
        for (Element e : elements) {
            t = Math.max(t, e.storageTime());
        }
        return t;
    }

    /** Bytes of all elements, for limits and statistics. */
    public long size() {
        long s = 0;
        for (Element e : elements) {
            s += e.size();
        }
        return s;
    }
}
