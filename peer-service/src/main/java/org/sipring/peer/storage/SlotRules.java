package org.sipring.peer.storage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;

/**
 * The RELOAD storage rules (RFC 6940 §7) as pure functions of a slot's current content: an
 * original store at the responsible peer, a replica store, the merge of a copy from another peer,
 * what a fetch returns and what the sweep purges. Nothing here touches a disk or a clock.
 *
 * @param tombstoneRetentionMillis how long a deletion marker is kept at least, so that a stale
 *                                 copy met within that horizon cannot bring the value back
 */
public record SlotRules(long tombstoneRetentionMillis) {

    /** Array index meaning "append after the last entry" (§7.4.1.3 ... 0xffffffff). */
    public static final long APPEND = 0xffffffffL;

    /** The result of a change: the slot to store and only the elements this change wrote. */
    public record Applied(Slot slot, List<Element> written) {
        public Applied {
            written = List.copyOf(written);
        }
    }

    /**
     * An original store (§7.4.1, replica_number 0) at the responsible peer. Stamps every element
     * with storage_time = max(now, latest stored + 1), so that clock skew between the peers that
     * forward stores never makes a refresh look older than what is held.
     *
     * @param expectedGeneration 0 for an unconditional store, else the generation the writer read
     * @throws StoreRefused with Error_Generation_Counter_Too_Low, Error_Data_Too_Large or
     *                      Error_Invalid_Message; nothing changes then
     */
    public Applied store(Optional<Slot> current, SlotKey key, KindSpec spec, long expectedGeneration,
                         List<StoredValue> values, long now) {
        long generation = current.map(Slot::generation).orElse(0L);
        if (expectedGeneration != 0 && expectedGeneration != generation) {
            throw new StoreRefused(StoreRefused.GENERATION_COUNTER_TOO_LOW,
                "generation " + expectedGeneration + " is not the current " + generation);
        }
        if (spec.kind().model() == DataModel.SINGLE && values.size() > 1) {
            throw new StoreRefused(StoreRefused.INVALID_MESSAGE, "a single-value kind takes one value per store");
        }
        if (values.isEmpty()) {
            return new Applied(current.orElse(slot(key, 0, List.of())), List.of());
        }
        long stamp = Math.max(now, current.map(Slot::lastStorageTime).orElse(0L) + 1);
        TreeMap<ByteBuffer, Element> byName = liveAndTombstones(current, now);
        List<Element> written = new ArrayList<>();
        for (StoredValue v : values) {
            if (v.exists() && v.value().length > spec.maxSize()) {
                throw new StoreRefused(StoreRefused.DATA_TOO_LARGE, "value of " + v.value().length
                    + " bytes exceeds the kind's max-size " + spec.maxSize());
            }
            byte[] name = nameOf(spec.kind().model(), v, byName);
            Element e = new Element(name, stamp, v.lifetime(), v.exists(), v.exists() ? v.value() : new byte[0]);
            byName.put(ByteBuffer.wrap(name), e);
            written.add(e);
        }
        fillArrayGaps(spec, byName, stamp, written);
        long live = byName.values().stream().filter(e -> e.exists() && e.expiresAt() > now).count();
        if (live > spec.maxCount()) {
            throw new StoreRefused(StoreRefused.DATA_TOO_LARGE, live + " values exceed the kind's max-count "
                + spec.maxCount());
        }
        Slot slot = slot(key, generation + 1, new ArrayList<>(byName.values()));
        return new Applied(slot, written);
    }

    /**
     * A replica store (§7.4.1.1, replica_number > 0) carrying the responsible peer's stamped
     * elements. Refused with Error_Data_Too_Old if any element is older than the one held under
     * its name (§7.4.1.2: storage_time never goes backwards); otherwise merged.
     */
    public Optional<Slot> replicaStore(Optional<Slot> current, SlotKey key, long generation, List<Element> elements,
                                       long now) {
        if (current.isPresent()) {
            for (Element in : elements) {
                for (Element held : current.get().elements()) {
                    if (held.sameName(in) && in.storageTime() < held.storageTime()) {
                        throw new StoreRefused(StoreRefused.DATA_TOO_OLD, "storage_time " + in.storageTime()
                            + " is older than the stored " + held.storageTime());
                    }
                }
            }
        }
        return merge(current, new Slot(key, generation, elements, Long.MAX_VALUE), now);
    }

    /**
     * Merges a copy from another peer by the RELOAD rules: under each name the element with the
     * later storage_time wins (on a tie the held one stays), the generation is the larger one, and
     * elements already due for purging are not taken.
     *
     * @return the merged slot, empty when the copy changes nothing
     */
    public Optional<Slot> merge(Optional<Slot> current, Slot incoming, long now) {
        TreeMap<ByteBuffer, Element> byName = liveAndTombstones(current, now);
        boolean changed = false;
        for (Element in : incoming.elements()) {
            if (purgeAt(in) <= now) {
                continue;
            }
            ByteBuffer k = ByteBuffer.wrap(in.name());
            Element held = byName.get(k);
            if (held == null || newer(in, held)) {
                byName.put(k, in);
                changed = true;
            }
        }
        long generation = Math.max(current.map(Slot::generation).orElse(0L), incoming.generation());
        if (current.isPresent() && generation != current.get().generation()) {
            changed = true;
        }
        if (!changed) {
            return Optional.empty();
        }
        return Optional.of(slot(incoming.key(), generation, new ArrayList<>(byName.values())));
    }

    /**
     * Whether a copy of an element replaces the held one: the later storage_time wins; on a tie
     * (two owners stamped the same millisecond) a deletion wins, then the larger value, so every
     * peer settles on the same element whatever order copies arrive in.
     */
    static boolean newer(Element in, Element held) {
        if (in.storageTime() != held.storageTime()) {
            return in.storageTime() > held.storageTime();
        }
        if (in.exists() != held.exists()) {
            return !in.exists();
        }
        int c = Arrays.compareUnsigned(in.value(), held.value());
        return c != 0 ? c > 0 : in.lifetime() > held.lifetime();
    }

    /** What a fetch returns (§7.4.2): existing elements that have not expired, as values of the kind's model. */
    public List<StoredValue> live(Optional<Slot> slot, DataModel model, long now) {
        List<StoredValue> out = new ArrayList<>();
        if (slot.isEmpty()) {
            return out;
        }
        for (Element e : slot.get().elements()) {
            if (e.exists() && e.expiresAt() > now) {
                out.add(e.toStoredValue(model));
            }
        }
        return out;
    }

    /**
     * The slot after the sweep: elements due for purging dropped.
     *
     * @return the remaining slot, or empty when nothing remains (the slot is removed)
     */
    public Optional<Slot> purge(Slot slot, long now) {
        List<Element> keep = new ArrayList<>();
        for (Element e : slot.elements()) {
            if (purgeAt(e) > now) {
                keep.add(e);
            }
        }
        return keep.isEmpty() ? Optional.empty() : Optional.of(slot(slot.key(), slot.generation(), keep));
    }

    /** When an element may be dropped: at expiry, or for a deletion marker after the retention horizon. */
    public long purgeAt(Element e) {
        long expires = e.expiresAt();
        return e.exists() ? expires : Math.max(expires, e.storageTime() + tombstoneRetentionMillis);
    }

    public Slot slot(SlotKey key, long generation, List<Element> elements) {
        long purge = Long.MAX_VALUE;
        for (Element e : elements) {
            purge = Math.min(purge, purgeAt(e));
        }
        return new Slot(key, generation, elements, purge);
    }

    private static byte[] nameOf(DataModel model, StoredValue v, TreeMap<ByteBuffer, Element> held) {
        if (model == DataModel.ARRAY && v.index() == APPEND) {
            long next = held.isEmpty() ? 0 : Integer.toUnsignedLong(held.lastKey().duplicate().getInt()) + 1;
            if (next >= APPEND) {
                throw new StoreRefused(StoreRefused.DATA_TOO_LARGE, "array is full");
            }
            return ByteBuffer.allocate(4).putInt((int) next).array();
        }
        if (model == DataModel.ARRAY && (v.index() < 0 || v.index() >= APPEND)) {
            throw new StoreRefused(StoreRefused.INVALID_MESSAGE, "array index out of range: " + v.index());
        }
        return Element.nameOf(model, v);
    }

    /**
     * §7.4.1.3: storing beyond the end of an array fills the gap with non-existent entries, so the
     * array stays dense.
     */
    private static void fillArrayGaps(KindSpec spec, TreeMap<ByteBuffer, Element> byName, long stamp,
                                      List<Element> written) {
        if (spec.kind().model() != DataModel.ARRAY || byName.isEmpty()) {
            return;
        }
        long last = Integer.toUnsignedLong(byName.lastKey().duplicate().getInt());
        if (last + 1 == byName.size()) {
            return;
        }
        if (last >= spec.maxCount()) {
            throw new StoreRefused(StoreRefused.DATA_TOO_LARGE, "array index " + last + " beyond the kind's max-count "
                + spec.maxCount());
        }
        long lifetime = written.isEmpty() ? 0 : written.get(0).lifetime();
        for (long i = 0; i < last; i++) {
            ByteBuffer k = ByteBuffer.wrap(ByteBuffer.allocate(4).putInt((int) i).array());
            if (!byName.containsKey(k)) {
                Element gap = new Element(k.array(), stamp, lifetime, false, new byte[0]);
                byName.put(k, gap);
                written.add(gap);
            }
        }
    }

    /** The held elements not yet due for purging, by name (unsigned byte order). */
    private TreeMap<ByteBuffer, Element> liveAndTombstones(Optional<Slot> current, long now) {
        TreeMap<ByteBuffer, Element> byName = new TreeMap<>((a, b) -> Arrays.compareUnsigned(a.array(), b.array()));
        current.ifPresent(s -> {
            for (Element e : s.elements()) {
                if (purgeAt(e) > now) {
                    byName.put(ByteBuffer.wrap(e.name()), e);
                }
            }
        });
        return byName;
    }
}
