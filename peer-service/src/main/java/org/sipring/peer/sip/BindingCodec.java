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
 * A {@link Binding} as the value of its dictionary entry in the overlay (the entry's key is
 * {@link Binding#key()}). Format 1, big-endian: format byte, contact, q (2 bytes), expiresAt (8),
 * Call-ID, CSeq (8), path count (2) and each path value, instance-id presence (1) and value,
 * reg-id (4), flow presence (1) and transport, host, port (2), peer. Strings are Java modified
 * UTF-8 with a 2-byte length ({@link DataOutputStream#writeUTF}). Decoding accepts exactly that
 * and nothing else: a short, long or unknown-format value is refused, never half-read.
 */
public final class BindingCodec {

    static final int FORMAT = 1;

    private BindingCodec() {
    }

    public static byte[] encode(Binding b) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeUTF(b.contact());
            out.writeShort(b.qMillis());
            out.writeLong(b.expiresAt());
            out.writeUTF(b.callId());
            out.writeLong(b.cseq());
            if (b.path().size() > 0xffff) {
                throw new IllegalArgumentException("more than 65535 Path values");
            }
            out.writeShort(b.path().size());
            for (String p : b.path()) {
                out.writeUTF(p);
            }
            out.writeBoolean(b.instanceId() != null);
            if (b.instanceId() != null) {
                out.writeUTF(b.instanceId());
            }
            out.writeInt(b.regId());
            out.writeBoolean(b.flow() != null);
            if (b.flow() != null) {
                out.writeUTF(b.flow().transport());
                out.writeUTF(b.flow().host());
                out.writeShort(b.flow().port());
                out.writeUTF(b.flow().peer());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** @throws MalformedBindingException when the bytes are not exactly one format-1 binding */
    public static Binding decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new MalformedBindingException("unknown binding format " + format);
            }
            String contact = in.readUTF();
            int q = in.readUnsignedShort();
            long expiresAt = in.readLong();
            String callId = in.readUTF();
            long cseq = in.readLong();
            int paths = in.readUnsignedShort();
            List<String> path = new ArrayList<>(Math.min(paths, 64));
            for (int i = 0; i < paths; i++) {
                path.add(in.readUTF());
            }
            String instance = readFlag(in) ? in.readUTF() : null;
            int regId = in.readInt();
            Flow flow = readFlag(in) ? new Flow(in.readUTF(), in.readUTF(), in.readUnsignedShort(), in.readUTF()) : null;
            if (in.available() > 0) {
                throw new MalformedBindingException(in.available() + " bytes after the binding");
            }
            return new Binding(contact, q, expiresAt, callId, cseq, path, instance, regId, flow);
        } catch (IOException e) {
            throw new MalformedBindingException("truncated or undecodable binding: " + e);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw e instanceof MalformedBindingException m ? m
                : new MalformedBindingException("invalid binding field: " + e.getMessage());
        }
    }

    private static boolean readFlag(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b > 1) {
            throw new MalformedBindingException("presence flag " + b);
        }
        return b == 1;
    }

    /** Stored bytes that are not a binding this version can read. */
    public static final class MalformedBindingException extends IllegalArgumentException {
        public MalformedBindingException(String message) {
            super(message);
        }
    }
}
