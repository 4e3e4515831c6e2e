package org.sipring.peer.overlay;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One stored element of a slot (RFC 6940 §7.1 StoredData): the single value, one array entry or
 * one dictionary entry, named by {@code name} (empty for a single value, the 4-byte big-endian
 * index for an array entry, the key for a dictionary entry). A deletion is an element with
 * {@code exists == false} (§7.4.1.3), kept as a tombstone so that a stale copy cannot bring the
 * value back.
 *
 * @param storageTime milliseconds since the epoch, stamped by the responsible peer
 * @param lifetime    seconds the element lives after storageTime
 */
public record Element(byte[] name, long storageTime, long lifetime, boolean exists, byte[] value) {

    public Element {
        name = name == null ? new byte[0] : name.clone();
        value = value == null ? new byte[0] : value.clone();
        if (lifetime < 0 || lifetime > 0xffffffffL) {
            throw new IllegalArgumentException("lifetime must be a uint32: " + lifetime);
        }
    }

    @Override
    public byte[] name() {
        return name.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** When the element stops being returned: storage_time + lifetime, on the owner's clock. */
    public long expiresAt() {
        return storageTime + lifetime * 1000;
    }

    /** Stored size, for limits and statistics: name, value and the fixed fields. */
    public int size() {
        return name.length + value.length + 21;
    }

    /** Byte-wise comparison of names, unsigned: the order of elements within a slot. */
    public static int compareNames(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** The element name of a value: empty, the 4-byte big-endian array index, or the dictionary key. */
    public static byte[] nameOf(DataModel model, StoredValue v) {
        return switch (model) {
            case SINGLE -> new byte[0];
            case ARRAY -> ByteBuffer.allocate(4).putInt((int) v.index()).array();
            case DICTIONARY -> v.key();
        };
    }

    /** The element of a value as stored, named by the kind's model. */
    public static Element of(DataModel model, StoredValue v) {
        return new Element(nameOf(model, v), v.storageTime(), v.lifetime(), v.exists(), v.value());
    }

    /** This element as a value of the kind's model. */
    public StoredValue toStoredValue(DataModel model) {
        long index = model == DataModel.ARRAY && name.length == 4 ? Integer.toUnsignedLong(ByteBuffer.wrap(name).getInt()) : 0;
        byte[] key = model == DataModel.DICTIONARY ? name : new byte[0];
        return new StoredValue(storageTime, lifetime, index, key, exists, value);
    }

    public boolean sameName(Element o) {
        return Arrays.equals(name, o.name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Element e && storageTime == e.storageTime && lifetime == e.lifetime && exists == e.exists
            && Arrays.equals(name, e.name) && Arrays.equals(value, e.value);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(name) + Long.hashCode(storageTime);
    }

    @Override
    public String toString() {
        return "Element[" + name.length + "B name, t=" + storageTime + ", life=" + lifetime + "s, "
            + (exists ? value.length + "B" : "deleted") + "]";
    }
}
