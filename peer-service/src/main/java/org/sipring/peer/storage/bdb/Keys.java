package org.sipring.peer.storage.bdb;

import java.util.Arrays;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.id.RingId;

/**
 * The B-tree keys. A slot key is the Resource-ID (16 bytes) then the Kind-ID (4 bytes), both
 * big-endian, so that unsigned byte-wise order, which is the database's default key order, is
 * {@link SlotKey} order. A purge key is the slot's purge time (8 bytes, big-endian with the sign
 * bit flipped, so byte order is signed numeric order) followed by the slot key.
 */
final class Keys {

    static final int SLOT_KEY_BYTES = RingId.BYTES + 4;
    static final int PURGE_KEY_BYTES = 8 + SLOT_KEY_BYTES;

    private Keys() {
    }

    static byte[] slotKey(SlotKey key) {
        byte[] b = new byte[SLOT_KEY_BYTES];
        putSlotKey(b, 0, key);
        return b;
    }

    static byte[] purgeKey(long purgeAt, SlotKey key) {
        byte[] b = new byte[PURGE_KEY_BYTES];
        putLong(b, 0, purgeAt ^ Long.MIN_VALUE);
        putSlotKey(b, 8, key);
        return b;
    }

    static SlotKey slotKey(byte[] b) {
        return slotKeyAt(b, 0, SLOT_KEY_BYTES, "slot");
    }

    static long purgeAt(byte[] purgeKey) {
        checkLength(purgeKey, PURGE_KEY_BYTES, "purge");
        return getLong(purgeKey, 0) ^ Long.MIN_VALUE;
    }

    static SlotKey slotKeyOfPurgeKey(byte[] purgeKey) {
        return slotKeyAt(purgeKey, 8, PURGE_KEY_BYTES, "purge");
    }

    /** The database's default order: unsigned byte-wise, a shorter prefix first. */
    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    private static SlotKey slotKeyAt(byte[] b, int off, int expectedLength, String what) {
        checkLength(b, expectedLength, what);
        ResourceId resource = new ResourceId(getLong(b, off), getLong(b, off + 8));
        long kind = ((long) getInt(b, off + 16)) & 0xffffffffL;
        return new SlotKey(resource, kind);
    }

    private static void checkLength(byte[] b, int expected, String what) {
        if (b.length != expected) {
            throw new IllegalArgumentException(what + " key must be " + expected + " bytes, got " + b.length);
        }
    }

    private static void putSlotKey(byte[] b, int off, SlotKey key) {
        putLong(b, off, key.resource().hi());
        putLong(b, off + 8, key.resource().lo());
        putInt(b, off + 16, (int) key.kindId());
    }

    private static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static void putInt(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    private static int getInt(byte[] b, int off) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
