package org.sipring.peer.storage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.LocalStorage.RangeDigest;
import org.sipring.peer.overlay.LocalStorage.SlotChange;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;

/**
 * The storage layer's operations over a {@link DataStore}, run by one storage thread. Changes
 * collect in a batch that later operations of the same batch read through, and {@link #commit()}
 * writes the batch in one transaction: that is the group commit.
 */
public final class SlotStore {

    /** The built-in procedure that deletes every live entry of a slot (stores exists=false). */
    public static final String CLEAR = "clear";

    private static final int SCAN_CHUNK = 1000;

    private final DataStore disk;
    private final KindRegistry kinds;
    private final Map<String, SlotProcedure> procedures;
    private final SlotRules rules;
    private final Map<SlotKey, Optional<Slot>> batch = new LinkedHashMap<>();

    public SlotStore(DataStore disk, KindRegistry kinds, Map<String, SlotProcedure> procedures, SlotRules rules) {
        this.disk = disk;
        this.kinds = kinds;
        Map<String, SlotProcedure> all = new HashMap<>(procedures);
        all.putIfAbsent(CLEAR, SlotStore::clear);
        this.procedures = Map.copyOf(all);
        this.rules = rules;
    }

    public KindRegistry kinds() {
        return kinds;
    }

    public DataStore.DataStoreStats stats() {
        return disk.stats();
    }

    // ---------------------------------------------------------------- batch

    private Optional<Slot> read(SlotKey key) {
        Optional<Slot> pending = batch.get(key);
        return pending != null ? pending : disk.read(key);
    }

    private void put(Slot s) {
        batch.put(s.key(), Optional.of(s));
    }

    /** Records that the store is in service (see {@link Downtime}). */
    public void markAlive(long now) {
        disk.markAlive(now);
    }

    /** Closes the disk; pending (uncommitted) changes are dropped. */
    public void close() {
        batch.clear();
        disk.close();
    }

    public boolean hasPendingWrites() {
        return !batch.isEmpty();
    }

    /** Writes the batch in one transaction; on failure nothing of it is stored and it is dropped. */
    public void commit() {
        if (batch.isEmpty()) {
            return;
        }
        List<Slot> writes = new ArrayList<>();
        List<SlotKey> removals = new ArrayList<>();
        for (Map.Entry<SlotKey, Optional<Slot>> e : batch.entrySet()) {
            if (e.getValue().isPresent()) {
                writes.add(e.getValue().get());
            } else {
                removals.add(e.getKey());
            }
        }
        try {
            disk.commit(writes, removals);
        } finally {
            batch.clear();
        }
    }

    // ---------------------------------------------------------------- operations

    public SlotChange store(SlotKey key, long expectedGeneration, List<StoredValue> values, long now) {
        KindSpec spec = spec(key.kindId());
        SlotRules.Applied a = rules.store(read(key), key, spec, expectedGeneration, values, now);
        put(a.slot());
        return new SlotChange(a.slot(), a.written(), new byte[0]);
    }

    public SlotChange update(SlotKey key, String procedure, byte[] argument, long now) {
        KindSpec spec = spec(key.kindId());
        SlotProcedure p = procedures.get(procedure);
        if (p == null) {
            throw new StoreRefused(StoreRefused.INVALID_MESSAGE, "no procedure named " + procedure);
        }
        Optional<Slot> current = read(key);
        SlotProcedure.Outcome out = p.apply(rules.live(current, spec.kind().model(), now), argument, now);
        if (out.writes().isEmpty()) {
            return new SlotChange(current.orElse(rules.slot(key, 0, List.of())), List.of(), out.reply());
        }
        SlotRules.Applied a = rules.store(current, key, spec, 0, out.writes(), now);
        put(a.slot());
        return new SlotChange(a.slot(), a.written(), out.reply());
    }

    public void storeReplica(SlotKey key, long generation, List<Element> elements, long now) {
        spec(key.kindId());
        rules.replicaStore(read(key), key, generation, elements, now).ifPresent(this::put);
    }

    /** @return how many slots changed */
    public int merge(List<Slot> slots, long now) {
        int changed = 0;
        for (Slot s : slots) {
            if (kinds.get(s.key().kindId()).isEmpty()) {
                continue;
            }
            Optional<Slot> merged = rules.merge(read(s.key()), s, now);
            if (merged.isPresent()) {
                put(merged.get());
                changed++;
            }
        }
        return changed;
    }

    /**
     * Removes each slot of the list whose copy here is the same (same {@link SlotHash}), both
     * without what is due for purging; a copy with nothing live left goes too.
     *
     * @return how many slots were removed
     */
    public int forget(List<Slot> handedOver, long now) {
        int removed = 0;
        for (Slot s : handedOver) {
            Optional<Slot> held = read(s.key());
            if (held.isEmpty()) {
                continue;
            }
            Optional<Long> mine = rules.purge(held.get(), now).map(SlotHash::of);
            if (mine.isEmpty() || mine.equals(rules.purge(s, now).map(SlotHash::of))) {
                batch.put(s.key(), Optional.empty());
                removed++;
            }
        }
        return removed;
    }

    public List<StoredValue> fetch(SlotKey key, long now) {
        KindSpec spec = spec(key.kindId());
        return rules.live(read(key), spec.kind().model(), now);
    }

    /**
     * Slots of a range in ring order after a cursor, without elements already due for purging;
     * stops at maxSlots or once maxBytes are reached (always at least one slot when any remains).
     */
    public List<Slot> scan(IdInterval range, SlotKey after, int maxSlots, int maxBytes, long now) {
        commit();
        List<Slot> out = new ArrayList<>();
        long bytes = 0;
        SlotKey cursor = after;
        while (out.size() < maxSlots && bytes < maxBytes) {
            List<Slot> chunk = disk.scan(range, cursor, Math.min(SCAN_CHUNK, maxSlots - out.size()));
            if (chunk.isEmpty()) {
                break;
            }
            for (Slot s : chunk) {
                cursor = s.key();
                Optional<Slot> kept = rules.purge(s, now);
                if (kept.isPresent()) {
                    out.add(kept.get());
                    bytes += kept.get().size();
                    if (bytes >= maxBytes) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Digests of a range cut into equal arcs: per arc, the XOR of the hashes of its slots whose
     * every element was stored before settledBefore (writes in flight do not show), and their
     * count. A slot hash covers its key, generation and each element's name, storage_time,
     * lifetime and existence, never a local expiry.
     */
    public RangeDigest digest(IdInterval range, int buckets, long settledBefore, long now) {
        DigestScan scan = new DigestScan(range, buckets, settledBefore);
        digestStep(scan, Integer.MAX_VALUE, now);
        return scan.result();
    }

    /**
     * Runs a {@link #digest} in steps of at most maxSlots slots, so that other operations can run
     * between them. Returns true when the scan reached the end of its range.
     */
    public boolean digestStep(DigestScan scan, int maxSlots, long now) {
        commit();
        int seen = 0;
        while (seen < maxSlots) {
            List<Slot> chunk = disk.scan(scan.range, scan.cursor, Math.min(SCAN_CHUNK, maxSlots - seen));
            if (chunk.isEmpty()) {
                return true;
            }
            seen += chunk.size();
            for (Slot s : chunk) {
                scan.cursor = s.key();
                if (s.lastStorageTime() >= scan.settledBefore) {
                    continue;
                }
                Optional<Slot> kept = rules.purge(s, now);
                if (kept.isPresent()) {
                    scan.add(s.key(), SlotHash.of(kept.get()));
                }
            }
        }
        return false;
    }

    /** A digest being computed: where the scan stands and what it has summed so far. */
    public static final class DigestScan {
        private final IdInterval range;
        private final IdInterval.Parts parts;
        private final long settledBefore;
        private final long[] hashes;
        private final long[] counts;
        private SlotKey cursor;

        public DigestScan(IdInterval range, int buckets, long settledBefore) {
            this.range = range;
            this.parts = range.parts(buckets);
            this.settledBefore = settledBefore;
            this.hashes = new long[buckets];
            this.counts = new long[buckets];
        }

        private void add(SlotKey key, long hash) {
            int b = parts.indexOf(key.resource());
            hashes[b] ^= hash;
            counts[b]++;
        }

        public RangeDigest result() {
            List<Long> h = new ArrayList<>(hashes.length);
            List<Long> c = new ArrayList<>(hashes.length);
            for (int i = 0; i < hashes.length; i++) {
                h.add(hashes[i]);
                c.add(counts[i]);
            }
            return new RangeDigest(h, c);
        }
    }

    /**
     * Purges what is due (expired values, deletion markers past retention) from the purge index.
     *
     * @return slots changed or removed
     */
    public int sweep(long now, int limit) {
        commit();
        int n = 0;
        for (SlotKey k : disk.duePurge(now, limit)) {
            Optional<Slot> s = read(k);
            if (s.isEmpty()) {
                continue;
            }
            Optional<Slot> kept = rules.purge(s.get(), now);
            batch.put(k, kept);
            n++;
        }
        return n;
    }

    private KindSpec spec(long kindId) {
        return kinds.get(kindId).orElseThrow(() -> new StoreRefused(StoreRefused.UNKNOWN_KIND,
            "unknown Kind-ID " + kindId));
    }

    private static SlotProcedure.Outcome clear(List<StoredValue> current, byte[] argument, long now) {
        List<StoredValue> writes = new ArrayList<>();
        for (StoredValue v : current) {
            writes.add(new StoredValue(0, v.lifetime(), v.index(), v.key(), false, new byte[0]));
        }
        return new SlotProcedure.Outcome(writes, new byte[0]);
    }
}
