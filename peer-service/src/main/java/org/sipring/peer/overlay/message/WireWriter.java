package org.sipring.peer.overlay.message;

import java.util.Arrays;

/** Growable big-endian writer with back-filled length prefixes. */
final class WireWriter {

    private byte[] buf = new byte[256];
    private int pos;

    int position() {
        return pos;
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    WireWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    WireWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    WireWriter u32(long v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    WireWriter u64(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    WireWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    WireWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        return this;
    }

    WireWriter zeros(int n) {
        ensure(n);
        Arrays.fill(buf, pos, pos + n, (byte) 0);
        pos += n;
        return this;
    }

    /** opaque value&lt;0..2^(8*lengthBytes)-1&gt;. */
    WireWriter opaque(int lengthBytes, byte[] b, String what) {
        checkFits(b.length, lengthBytes, what);
        writeLength(lengthBytes, b.length);
        return bytes(b);
    }

    /** Reserves a length prefix; pass the result to {@link #endVector}. */
    int beginVector(int lengthBytes) {
        ensure(lengthBytes);
        pos += lengthBytes;
        return pos;
    }

    /** Back-fills the length of everything written since {@link #beginVector}. */
    void endVector(int start, int lengthBytes, String what) {
        int len = pos - start;
        checkFits(len, lengthBytes, what);
        int save = pos;
        pos = start - lengthBytes;
        writeLength(lengthBytes, len);
        pos = save;
    }

    /** Overwrites a uint32 at an absolute position. */
    void putU32At(int at, long v) {
        int save = pos;
        pos = at;
        u32(v);
        pos = save;
    }

    private void writeLength(int lengthBytes, long len) {
        switch (lengthBytes) {
            case 1 -> u8((int) len);
            case 2 -> u16((int) len);
            case 3 -> {
                u8((int) (len >>> 16));
                u16((int) len);
            }
            case 4 -> u32(len);
            default -> throw new IllegalArgumentException("length prefix of " + lengthBytes + " bytes");
        }
    }

    private static void checkFits(long len, int lengthBytes, String what) {
        long max = (1L << (8 * lengthBytes)) - 1;
        if (len > max) {
            throw new IllegalArgumentException(what + " is " + len + " bytes, more than its "
                + lengthBytes + "-byte length field allows (" + max + ")");
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
