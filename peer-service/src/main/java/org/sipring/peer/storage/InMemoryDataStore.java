package org.sipring.peer.storage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;

/**
 * A {@link DataStore} in memory, for the deterministic simulator and unit tests. Same ordering and
 * scan contract as the disk adapter; nothing survives the object.
 */
public final class InMemoryDataStore implements DataStore {

    private record PurgeEntry(long at, SlotKey key) implements Comparable<PurgeEntry> {
        @Override
        public int compareTo(PurgeEntry o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : key.compareTo(o.key);
        }
    }

    private final TreeMap<SlotKey, Slot> slots = new TreeMap<>();
    private final TreeSet<PurgeEntry> purgeIndex = new TreeSet<>();
    private OptionalLong aliveAt = OptionalLong.empty();
    private long elements;
    private long bytes;

    @Override
    public Optional<Slot> read(SlotKey key) {
        return Optional.ofNullable(slots.get(key));
    }

    @Override
    public void commit(Collection<Slot> writes, Collection<SlotKey> removals) {
        for (SlotKey k : removals) {
            remove(k);
        }
        for (Slot s : writes) {
            remove(s.key());
            slots.put(s.key(), s);
            elements += s.elements().size();
            bytes += s.size();
            if (s.purgeAt() != Long.MAX_VALUE) {
                purgeIndex.add(new PurgeEntry(s.purgeAt(), s.key()));
            }
        }
    }

    private void remove(SlotKey k) {
        Slot old = slots.remove(k);
        if (old != null) {
            elements -= old.elements().size();
            bytes -= old.size();
            purgeIndex.remove(new PurgeEntry(old.purgeAt(), k));
        }
    }

    @Override
    public List<Slot> scan(IdInterval range, SlotKey after, int limit) {
        List<Slot> out = new ArrayList<>();
        for (RingScan.Segment seg : RingScan.segments(range, after)) {
            NavigableMap<SlotKey, Slot> part = seg.fromExclusive() == null
                ? slots.headMap(seg.toInclusive(), true)
                : slots.subMap(seg.fromExclusive(), false, seg.toInclusive(), true);
            for (Map.Entry<SlotKey, Slot> e : part.entrySet()) {
                if (out.size() >= limit) {
                    return out;
                }
                out.add(e.getValue());
            }
        }
        return out;
    }

    @Override
    public List<SlotKey> duePurge(long time, int limit) {
        List<SlotKey> out = new ArrayList<>();
        for (PurgeEntry e : purgeIndex) {
            if (e.at() > time || out.size() >= limit) {
                break;
            }
            out.add(e.key());
        }
        return out;
    }

    @Override
    public void markAlive(long time) {
        aliveAt = OptionalLong.of(time);
    }

    @Override
    public OptionalLong aliveAt() {
        return aliveAt;
    }

    @Override
    public DataStoreStats stats() {
        return new DataStoreStats(slots.size(), elements, bytes);
    }

    @Override
    public void close() {
        slots.clear();
        purgeIndex.clear();
    }
}
