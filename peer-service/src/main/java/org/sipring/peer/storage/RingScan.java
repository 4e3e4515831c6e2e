package org.sipring.peer.storage;

import java.util.ArrayList;
import java.util.List;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * Turns a ring range (start, end] of Resource-IDs into the one or two ordered key segments a
 * {@link DataStore} scans, in ring order from the start: (start, end] when it does not wrap;
 * (start, max] then [0, end] when it wraps around zero; (start, max] then [0, start] for the whole
 * ring. A resume cursor skips the segments before it.
 */
public final class RingScan {

    /** Keys strictly after {@code fromExclusive} (from the first key when null) up to and including {@code toInclusive}. */
    public record Segment(SlotKey fromExclusive, SlotKey toInclusive) {

        public boolean contains(SlotKey k) {
            return (fromExclusive == null || k.compareTo(fromExclusive) > 0) && k.compareTo(toInclusive) <= 0;
        }
    }

    private static final long MAX_KIND = 0xffffffffL;
    private static final ResourceId MAX = new ResourceId(-1L, -1L);

    private RingScan() {
    }

    /** The segments still to scan for the range, resuming strictly after {@code after} when not null. */
    public static List<Segment> segments(IdInterval range, SlotKey after) {
        SlotKey start = new SlotKey(ResourceId.at(range.start()), MAX_KIND);
        SlotKey end = new SlotKey(ResourceId.at(range.end()), MAX_KIND);
        SlotKey max = new SlotKey(MAX, MAX_KIND);
        List<Segment> all = new ArrayList<>(2);
        if (!range.isWholeRing() && range.start().compareTo(range.end()) < 0) {
            all.add(new Segment(start, end));
        } else {
            all.add(new Segment(start, max));
            all.add(new Segment(null, end));
        }
        if (after == null) {
            return all;
        }
        for (int i = 0; i < all.size(); i++) {
            Segment s = all.get(i);
            if (s.contains(after)) {
                List<Segment> rest = new ArrayList<>();
                rest.add(new Segment(after, s.toInclusive()));
                rest.addAll(all.subList(i + 1, all.size()));
                return rest;
            }
        }
        return List.of();
    }
}
