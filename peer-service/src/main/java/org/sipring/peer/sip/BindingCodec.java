package org.sipring.peer.sip;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
        return Wire.encode(out -> write(out, b));
    }

    /** @throws MalformedBindingException when the bytes are not exactly one format-1 binding */
    public static Binding decode(byte[] value) {
        return Wire.decode(value, BindingCodec::read, "binding");
    }

    static void write(DataOutputStream out, Binding b) throws IOException {
        out.writeByte(FORMAT);
        out.writeUTF(b.contact());
        out.writeShort(b.qMillis());
        out.writeLong(b.expiresAt());
        out.writeUTF(b.callId());
        out.writeLong(b.cseq());
        Wire.writeStrings(out, b.path());
        Wire.writeNullable(out, b.instanceId());
        out.writeInt(b.regId());
        out.writeBoolean(b.flow() != null);
        if (b.flow() != null) {
            Wire.writeFlow(out, b.flow());
        }
    }

    static Binding read(DataInputStream in) throws IOException {
        Wire.expectFormat(in, FORMAT, "binding");
        String contact = in.readUTF();
        int q = in.readUnsignedShort();
        long expiresAt = in.readLong();
        String callId = in.readUTF();
        long cseq = in.readLong();
        List<String> path = Wire.readStrings(in);
        String instance = Wire.readNullable(in);
        int regId = in.readInt();
        Flow flow = Wire.readFlag(in) ? Wire.readFlow(in) : null;
        return new Binding(contact, q, expiresAt, callId, cseq, path, instance, regId, flow);
    }

    /** Stored bytes that are not a binding this version can read. */
    public static final class MalformedBindingException extends IllegalArgumentException {
        public MalformedBindingException(String message) {
            super(message);
        }
    }
}
