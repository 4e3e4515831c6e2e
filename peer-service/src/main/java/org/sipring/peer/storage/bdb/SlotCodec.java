package org.sipring.peer.storage.bdb;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.storage.DataStore.StorageFailure;

/**
 * The value of a slot record. Format 1, all integers big-endian, lengths as unsigned LEB128
 * varints:
 *
 * <pre>
 * format (1 byte) = 1 | generation (8) | purgeAt (8) | element count (varint)
 * per element: flags (1 byte, bit 0 = exists) | storageTime (8) | lifetime (4, unsigned)
 *              | name length (varint) | name | value length (varint) | value
 * </pre>
 *
 * The key is not repeated in the value. Decoding rejects anything that is not exactly such an
 * encoding (unknown format, short or trailing bytes, unknown flags) with a {@link StorageFailure}.
 */
final class SlotCodec {

    static final byte FORMAT = 1;

    private static final int EXISTS = 1;

    /** The fixed-size head of a record: enough to maintain the purge index and the counters. */
    record Header(long generation, long purgeAt, int elementCount) {
    }

    private SlotCodec() {
    }

    static byte[] encode(Slot slot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + (int) Math.min(slot.size(), 1 << 20));
        out.write(FORMAT);
        writeLong(out, slot.generation());
        writeLong(out, slot.purgeAt());
        writeVarint(out, slot.elements().size());
        for (Element e : slot.elements()) {
            out.write(e.exists() ? EXISTS : 0);
            writeLong(out, e.storageTime());
            writeInt(out, (int) e.lifetime());
            byte[] name = e.name();
            writeVarint(out, name.length);
            out.writeBytes(name);
            byte[] value = e.value();
            writeVarint(out, value.length);
            out.writeBytes(value);
        }
        return out.toByteArray();
    }

    static Header header(SlotKey key, byte[] bytes) {
        try {
            return readHeader(ByteBuffer.wrap(bytes));
        } catch (BufferUnderflowException e) {
            throw undecodable(key, "truncated header (" + bytes.length + " bytes)", e);
        } catch (IllegalArgumentException e) {
            throw undecodable(key, e.getMessage(), e);
        }
    }

    static Slot decode(SlotKey key, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            Header h = readHeader(in);
            List<Element> elements = new ArrayList<>(Math.min(h.elementCount(), in.remaining() / 14 + 1));
            for (int i = 0; i < h.elementCount(); i++) {
                elements.add(readElement(in));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the last element");
            }
            return new Slot(key, h.generation(), elements, h.purgeAt());
        } catch (BufferUnderflowException e) {
            throw undecodable(key, "truncated at byte " + in.position() + " of " + bytes.length, e);
        } catch (IllegalArgumentException e) {
            throw undecodable(key, e.getMessage(), e);
        }
    }

    private static Header readHeader(ByteBuffer in) {
        byte format = in.get();
        if (format != FORMAT) {
            throw new IllegalArgumentException("unknown format " + (format & 0xff) + " (this version reads " + FORMAT + ")");
        }
        long generation = in.getLong();
        long purgeAt = in.getLong();
        int count = readVarint(in);
        return new Header(generation, purgeAt, count);
    }

    private static Element readElement(ByteBuffer in) {
        int flags = in.get() & 0xff;
        if ((flags & ~EXISTS) != 0) {
            throw new IllegalArgumentException("unknown element flags " + flags);
        }
        long storageTime = in.getLong();
        long lifetime = in.getInt() & 0xffffffffL;
        byte[] name = readBytes(in);
        byte[] value = readBytes(in);
        return new Element(name, storageTime, lifetime, (flags & EXISTS) != 0, value);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = readVarint(in);
        if (length > in.remaining()) {
            throw new IllegalArgumentException("length " + length + " exceeds the " + in.remaining() + " bytes left");
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static int readVarint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.get() & 0xff;
            v |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (v > Integer.MAX_VALUE) {
                    break;
                }
                return (int) v;
            }
        }
        throw new IllegalArgumentException("length varint out of range");
    }

    private static void writeVarint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        for (int i = 56; i >= 0; i -= 8) {
            out.write((int) (v >>> i));
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        for (int i = 24; i >= 0; i -= 8) {
            out.write(v >>> i);
        }
    }

    private static StorageFailure undecodable(SlotKey key, String reason, Throwable cause) {
        return new StorageFailure("slot " + key.resource().toHex() + "/" + key.kindId()
            + " has an undecodable value: " + reason, cause);
    }
}
