package org.sipring.peer.sip;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The registrar's overlay messages and its credentials entry, in the conventions of {@link Wire}
 * (format 1 each): a {@link RegisterCall} is the argument of the register procedure, a
 * {@link RegisterReply} its reply, an {@link AuthRecord} the value of the AOR's credentials entry.
 * Optional ints travel as a presence byte and the value.
 */
public final class RegistrarCodec {

    static final int FORMAT = 1;

    private RegistrarCodec() {
    }

    // ------------------------------------------------------------------ RegisterCall

    public static byte[] encode(RegisterCall c) {
        return Wire.encode(out -> {
            out.writeByte(FORMAT);
            RegisterRequest r = c.request();
            out.writeUTF(r.callId());
            out.writeLong(r.cseq());
            writeOptional(out, r.expiresHeader());
            out.writeBoolean(r.wildcard());
            Wire.writeCount(out, r.contacts().size());
            for (ContactSpec s : r.contacts()) {
                out.writeUTF(s.uri());
                writeOptional(out, s.expires());
                out.writeShort(s.qMillis());
                Wire.writeNullable(out, s.instanceId());
                out.writeInt(s.regId());
            }
            Wire.writeStrings(out, r.path());
            out.writeBoolean(r.flow() != null);
            if (r.flow() != null) {
                Wire.writeFlow(out, r.flow());
            }
            out.writeBoolean(c.authRequired());
            out.writeBoolean(c.digest() != null);
            if (c.digest() != null) {
                writeDigest(out, c.digest());
                out.writeLong(c.nonceExpiresAt());
            }
        });
    }

    public static RegisterCall decodeCall(byte[] bytes) {
        return Wire.decode(bytes, in -> {
            Wire.expectFormat(in, FORMAT, "register call");
            String callId = in.readUTF();
            long cseq = in.readLong();
            OptionalInt expires = readOptional(in);
            boolean wildcard = Wire.readFlag(in);
            List<ContactSpec> contacts = Wire.readList(in, i -> new ContactSpec(i.readUTF(), readOptional(i),
                i.readUnsignedShort(), Wire.readNullable(i), i.readInt()));
            List<String> path = Wire.readStrings(in);
            Flow flow = Wire.readFlag(in) ? Wire.readFlow(in) : null;
            boolean authRequired = Wire.readFlag(in);
            DigestResponse digest = null;
            long nonceExpiresAt = 0;
            if (Wire.readFlag(in)) {
                digest = readDigest(in);
                nonceExpiresAt = in.readLong();
            }
            return new RegisterCall(new RegisterRequest(callId, cseq, expires, wildcard, contacts, path, flow),
                authRequired, digest, nonceExpiresAt);
        }, "register call");
    }

    // ------------------------------------------------------------------ RegisterReply

    public static byte[] encode(RegisterReply r) {
        return Wire.encode(out -> {
            out.writeByte(FORMAT);
            out.writeShort(r.status());
            out.writeUTF(r.reason());
            writeOptional(out, r.minExpires());
            out.writeBoolean(r.staleNonce());
            Wire.writeCount(out, r.bindings().size());
            for (Binding b : r.bindings()) {
                BindingCodec.write(out, b);
            }
        });
    }

    public static RegisterReply decodeReply(byte[] bytes) {
        return Wire.decode(bytes, in -> {
            Wire.expectFormat(in, FORMAT, "register reply");
            int status = in.readUnsignedShort();
            String reason = in.readUTF();
            OptionalInt minExpires = readOptional(in);
            boolean stale = Wire.readFlag(in);
            return new RegisterReply(status, reason, minExpires, Wire.readList(in, BindingCodec::read), stale);
        }, "register reply");
    }

    // ------------------------------------------------------------------ AuthRecord

    public static byte[] encode(AuthRecord a) {
        return Wire.encode(out -> {
            out.writeByte(FORMAT);
            Wire.writeCount(out, a.ha1().size());
            for (Map.Entry<DigestAlgorithm, String> e : a.ha1().entrySet()) {
                out.writeUTF(e.getKey().token());
                out.writeUTF(e.getValue());
            }
            Wire.writeCount(out, a.nonces().size());
            for (AuthRecord.NonceUse u : a.nonces()) {
                out.writeUTF(u.nonce());
                out.writeLong(u.expiresAt());
                out.writeLong(u.nc());
                out.writeUTF(u.callId());
                out.writeLong(u.cseq());
            }
        });
    }

    public static AuthRecord decodeAuth(byte[] bytes) {
        return Wire.decode(bytes, in -> {
            Wire.expectFormat(in, FORMAT, "credentials");
            Map<DigestAlgorithm, String> ha1 = new EnumMap<>(DigestAlgorithm.class);
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                String token = in.readUTF();
                DigestAlgorithm a = DigestAlgorithm.of(token)
                    .orElseThrow(() -> new BindingCodec.MalformedBindingException("unknown algorithm " + token));
                ha1.put(a, in.readUTF());
            }
            List<AuthRecord.NonceUse> nonces = Wire.readList(in, i -> new AuthRecord.NonceUse(i.readUTF(), i.readLong(),
                i.readLong(), i.readUTF(), i.readLong()));
            return new AuthRecord(ha1, nonces);
        }, "credentials");
    }

    // ------------------------------------------------------------------ helpers

    private static void writeDigest(DataOutputStream out, DigestResponse d) throws IOException {
        for (String s : List.of(d.username(), d.realm(), d.nonce(), d.uri(), d.response(), d.algorithm().token(),
            d.cnonce(), d.nc(), d.qop(), d.method())) {
            out.writeUTF(s);
        }
    }

    private static DigestResponse readDigest(DataInputStream in) throws IOException {
        String username = in.readUTF();
        String realm = in.readUTF();
        String nonce = in.readUTF();
        String uri = in.readUTF();
        String response = in.readUTF();
        String token = in.readUTF();
        DigestAlgorithm algorithm = DigestAlgorithm.of(token)
            .orElseThrow(() -> new BindingCodec.MalformedBindingException("unknown algorithm " + token));
        return new DigestResponse(username, realm, nonce, uri, response, algorithm, in.readUTF(), in.readUTF(),
            in.readUTF(), in.readUTF());
    }

    private static void writeOptional(DataOutputStream out, OptionalInt v) throws IOException {
        out.writeBoolean(v.isPresent());
        if (v.isPresent()) {
            out.writeInt(v.getAsInt());
        }
    }

    private static OptionalInt readOptional(DataInputStream in) throws IOException {
        return Wire.readFlag(in) ? OptionalInt.of(in.readInt()) : OptionalInt.empty();
    }
}
