package org.sipring.peer.overlay.message;

import java.util.Arrays;

/**
 * Bounds-checked big-endian reader over a window of a byte array. Every read that would pass the
 * window's end throws {@link MalformedMessageException} naming the structure being read.
 */
final class WireReader {

    private final byte[] buf;
    private int pos;
    private final int limit;

    WireReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.limit = offset + length;
    }

    int remaining() {
        return limit - pos;
    }

    boolean hasRemaining() {
        return pos < limit;
    }

    private void need(int n, String what) throws MalformedMessageException {
        if (n < 0 || n > limit - pos) {
            throw new MalformedMessageException("truncated " + what + ": need " + n + " bytes, "
                + (limit - pos) + " left");
        }
    }

    int u8(String what) throws MalformedMessageException {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    int u16(String what) throws MalformedMessageException {
        need(2, what);
        int v = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int u24(String what) throws MalformedMessageException {
        need(3, what);
        int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    /** uint32 as a non-negative long. */
    long u32(String what) throws MalformedMessageException {
        need(4, what);
        long v = ((long) (buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    /** uint32 as a raw int (bit pattern). */
    int i32(String what) throws MalformedMessageException {
        return (int) u32(what);
    }

    long u64(String what) throws MalformedMessageException {
        need(8, what);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    boolean bool(String what) throws MalformedMessageException {
        int v = u8(what);
        if (v > 1) {
            throw new MalformedMessageException(what + " is not a Boolean: " + v);
        }
        return v == 1;
    }

    byte[] bytes(int n, String what) throws MalformedMessageException {
        need(n, what);
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** A copy of everything left in the window, without consuming it. */
    byte[] peekRemaining() {
        return Arrays.copyOfRange(buf, pos, limit);
    }

    void skip(long n, String what) throws MalformedMessageException {
        if (n > Integer.MAX_VALUE) {
            throw new MalformedMessageException("truncated " + what + ": length " + n);
        }
        need((int) n, what);
        pos += (int) n;
    }

    /** Reads a length prefix of {@code lengthBytes} (1, 2, 3 or 4) bytes. */
    long length(int lengthBytes, String what) throws MalformedMessageException {
        return switch (lengthBytes) {
            case 1 -> u8(what + " length");
            case 2 -> u16(what + " length");
            case 3 -> u24(what + " length");
            case 4 -> u32(what + " length");
            default -> throw new IllegalArgumentException("length prefix of " + lengthBytes + " bytes");
        };
    }

    /** opaque value&lt;0..2^(8*lengthBytes)-1&gt;. */
    byte[] opaque(int lengthBytes, String what) throws MalformedMessageException {
        long n = length(lengthBytes, what);
        if (n > remaining()) {
            throw new MalformedMessageException(what + " length " + n + " overruns its container ("
                + remaining() + " bytes left)");
        }
        return bytes((int) n, what);
    }

    /** Splits off the next {@code n} bytes as their own window and advances past them. */
    WireReader sub(long n, String what) throws MalformedMessageException {
        if (n > remaining()) {
            throw new MalformedMessageException(what + " length " + n + " overruns its container ("
                + remaining() + " bytes left)");
        }
        WireReader r = new WireReader(buf, pos, (int) n);
        pos += (int) n;
        return r;
    }

    /** A length-prefixed vector as its own window. */
    WireReader vector(int lengthBytes, String what) throws MalformedMessageException {
        return sub(length(lengthBytes, what), what);
    }

    void expectEnd(String what) throws MalformedMessageException {
        if (pos != limit) {
            throw new MalformedMessageException((limit - pos) + " unexpected trailing bytes after " + what);
        }
    }
}
