package org.sipring.peer.sip;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary conventions of the registrar's stored values and overlay calls: big-endian
 * {@link DataOutputStream} fields, strings as modified UTF-8 with a 2-byte length, optional values
 * behind a presence byte, lists behind a 2-byte count. Decoding reads exactly one value and
 * refuses anything short, long or invalid with a {@link BindingCodec.MalformedBindingException}.
 */
final class Wire {

    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private Wire() {
    }

    static byte[] encode(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static <T> T decode(byte[] value, Reader<T> r, String what) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            T t = r.read(in);
            if (in.available() > 0) {
                throw new BindingCodec.MalformedBindingException(in.available() + " bytes after the " + what);
            }
            return t;
        } catch (IOException e) {
            throw new BindingCodec.MalformedBindingException("truncated or undecodable " + what + ": " + e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw e instanceof BindingCodec.MalformedBindingException m ? m
                : new BindingCodec.MalformedBindingException("invalid " + what + " field: " + e.getMessage());
        }
    }

    /** Reads the leading format byte and refuses any other than {@code format}. */
    static void expectFormat(DataInputStream in, int format, String what) throws IOException {
        int f = in.readUnsignedByte();
        if (f != format) {
            throw new BindingCodec.MalformedBindingException("unknown " + what + " format " + f);
        }
    }

    static boolean readFlag(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new BindingCodec.MalformedBindingException("presence flag " + b);
        }
        return b == 1;
    }

    static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    static String readNullable(DataInputStream in) throws IOException {
        return readFlag(in) ? in.readUTF() : null;
    }

    static void writeCount(DataOutputStream out, int n) throws IOException {
        if (n > 0xffff) {
            throw new IllegalArgumentException("more than 65535 entries");
        }
        out.writeShort(n);
    }

    static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
        writeCount(out, list.size());
        for (String s : list) {
            out.writeUTF(s);
        }
    }

    static List<String> readStrings(DataInputStream in) throws IOException {
        return readList(in, i -> i.readUTF());
    }

    static <T> List<T> readList(DataInputStream in, Reader<T> r) throws IOException {
        int n = in.readUnsignedShort();
        List<T> list = new ArrayList<>(Math.min(n, 64));
        for (int i = 0; i < n; i++) {
            list.add(r.read(in));
        }
        return list;
    }

    static void writeFlow(DataOutputStream out, Flow f) throws IOException {
        out.writeUTF(f.transport());
        out.writeUTF(f.host());
        out.writeShort(f.port());
        out.writeUTF(f.peer());
    }

    static Flow readFlow(DataInputStream in) throws IOException {
        return new Flow(in.readUTF(), in.readUTF(), in.readUnsignedShort(), in.readUTF());
    }
}
