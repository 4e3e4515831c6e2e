package org.sipring.peer.overlay.message;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.message.MessageBody.DigestOp;
import org.sipring.peer.overlay.message.MessageBody.DigestResult;
import org.sipring.peer.overlay.message.MessageBody.PullOp;
import org.sipring.peer.overlay.message.MessageBody.PullResult;
import org.sipring.peer.overlay.message.MessageBody.PushOp;
import org.sipring.peer.overlay.message.MessageBody.PushResult;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateAns;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateReq;
import org.sipring.peer.overlay.message.MessageBody.SyncAns;
import org.sipring.peer.overlay.message.MessageBody.SyncOp;
import org.sipring.peer.overlay.message.MessageBody.SyncReq;
import org.sipring.peer.overlay.message.MessageBody.SyncResult;

/**
 * Wire encoding of the bodies of this overlay's private methods, carried in the message codes RFC
 * 6940 §14.8 leaves for experimentation: exp_a (0x23/0x24, range synchronization between
 * neighbors) and exp_b (0x25/0x26, atomic slot update). Written in the presentation language of
 * §6.3.1: big-endian integers, {@code <..>} vectors prefixed with their length in bytes, Boolean
 * one byte that must be 0 or 1 (§6.3.1.1). Also in docs/protocol.md.
 *
 * <pre>
 * struct { NodeId start; NodeId end; } IdInterval;            // (start, end]; start == end: whole ring
 * struct { opaque resource[16]; KindId kind; } SlotKey;       // chord-reload Resource-ID, no length byte
 *
 * struct {
 *     opaque   name&lt;0..2^16-1&gt;;
 *     uint64   storage_time;
 *     uint32   lifetime;
 *     Boolean  exists;
 *     opaque   value&lt;0..2^32-1&gt;;
 * } Element;
 *
 * struct {
 *     opaque   resource[16];
 *     KindId   kind;
 *     uint64   generation;
 *     Element  elements&lt;0..2^32-1&gt;;                    // names unique; purge time is local, not sent
 * } Slot;
 *
 * enum { digest(1), pull(2), push(3), (255) } SyncType;
 *
 * struct {
 *     SyncType type;
 *     select (type) {
 *         case digest: IdInterval range; uint16 buckets; uint64 settled_before;
 *         case pull:   IdInterval range; Boolean has_after;
 *                      select (has_after) { case true: SlotKey after; case false: ; };
 *                      uint32 max_slots; uint32 max_bytes; uint64 mirror_millis;
 *         case push:   Slot slots&lt;0..2^32-1&gt;;
 *     };
 * } SyncReq;                                                  // exp_a_req
 *
 * struct {
 *     SyncType type;
 *     select (type) {
 *         case digest: uint16 count; struct { uint64 hash; uint64 count; } buckets[count];
 *         case pull:   Boolean complete; Slot slots&lt;0..2^32-1&gt;;
 *         case push:   uint32 merged;
 *     };
 * } SyncAns;                                                  // exp_a_ans
 *
 * struct {
 *     opaque   resource[16];
 *     KindId   kind;
 *     opaque   procedure&lt;0..2^8-1&gt;;                        // UTF-8
 *     opaque   argument&lt;0..2^32-1&gt;;
 * } SlotUpdateReq;                                            // exp_b_req
 *
 * struct {
 *     uint64   generation;
 *     opaque   reply&lt;0..2^32-1&gt;;
 * } SlotUpdateAns;                                            // exp_b_ans
 * </pre>
 *
 * <p>The digest's bucket list is the one counted (not byte-length) array: 4096 buckets of 16 bytes
 * would not fit a {@code <0..2^16-1>} vector. Decoded IdIntervals hold {@link NodeId}s.
 */
final class PrivateBodyCodec {

    static final int SYNC_DIGEST = 1;
    static final int SYNC_PULL = 2;
    static final int SYNC_PUSH = 3;

    /** Bytes of one digest bucket on the wire: uint64 hash, uint64 count. */
    private static final int BUCKET_BYTES = 16;

    private PrivateBodyCodec() {
    }

    // =================================================================================== encode

    static void writeSyncReq(WireWriter w, SyncReq req) {
        SyncOp op = req.op();
        if (op instanceof DigestOp d) {
            w.u8(SYNC_DIGEST);
            writeInterval(w, d.range());
            w.u16(d.buckets()).u64(d.settledBefore());
        } else if (op instanceof PullOp p) {
            w.u8(SYNC_PULL);
            writePullOp(w, p);
        } else if (op instanceof PushOp p) {
            w.u8(SYNC_PUSH);
            writeSlots(w, p.slots(), "PushOp slots");
        } else {
            throw new IllegalArgumentException("unsupported sync operation " + op);
        }
    }

    private static void writePullOp(WireWriter w, PullOp p) {
        writeInterval(w, p.range());
        w.bool(p.after() != null);
        if (p.after() != null) {
            writeSlotKey(w, p.after());
        }
        w.u32(p.maxSlots()).u32(p.maxBytes()).u64(p.mirrorMillis());
    }

    static void writeSyncAns(WireWriter w, SyncAns ans) {
        SyncResult result = ans.result();
        if (result instanceof DigestResult d) {
            w.u8(SYNC_DIGEST);
            writeDigestResult(w, d);
        } else if (result instanceof PullResult p) {
            w.u8(SYNC_PULL).bool(p.complete());
            writeSlots(w, p.slots(), "PullResult slots");
        } else if (result instanceof PushResult p) {
            if (p.merged() < 0) {
                throw new IllegalArgumentException("PushResult merged must not be negative: " + p.merged());
            }
            w.u8(SYNC_PUSH).u32(p.merged());
        } else {
            throw new IllegalArgumentException("unsupported sync result " + result);
        }
    }

    private static void writeDigestResult(WireWriter w, DigestResult d) {
        int n = d.hashes().size();
        if (n > 0xffff) {
            throw new IllegalArgumentException("DigestResult has " + n + " buckets, more than 65535");
        }
        w.u16(n);
        for (int i = 0; i < n; i++) {
            w.u64(d.hashes().get(i)).u64(d.counts().get(i));
        }
    }

    static void writeSlotUpdateReq(WireWriter w, SlotUpdateReq req) {
        w.bytes(req.resource().toBytes()).u32(req.kind());
        w.opaque(1, utf8(req.procedure()), "SlotUpdateReq procedure");
        w.opaque(4, req.argument(), "SlotUpdateReq argument");
    }

    static void writeSlotUpdateAns(WireWriter w, SlotUpdateAns ans) {
        w.u64(ans.generation()).opaque(4, ans.reply(), "SlotUpdateAns reply");
    }

    private static void writeInterval(WireWriter w, IdInterval range) {
        w.bytes(range.start().toBytes()).bytes(range.end().toBytes());
    }

    private static void writeSlotKey(WireWriter w, SlotKey key) {
        w.bytes(key.resource().toBytes()).u32(key.kindId());
    }

    private static void writeSlots(WireWriter w, List<Slot> slots, String what) {
        int v = w.beginVector(4);
        for (Slot s : slots) {
            writeSlot(w, s);
        }
        w.endVector(v, 4, what);
    }

    private static void writeSlot(WireWriter w, Slot slot) {
        writeSlotKey(w, slot.key());
        w.u64(slot.generation());
        int v = w.beginVector(4);
        for (Element e : slot.elements()) {
            w.opaque(2, e.name(), "Element name");
            w.u64(e.storageTime()).u32(e.lifetime()).bool(e.exists());
            w.opaque(4, e.value(), "Element value");
        }
        w.endVector(v, 4, "Slot elements");
    }

    /** Strict UTF-8: a string with an unpaired surrogate has no encoding. */
    private static byte[] utf8(String s) {
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("procedure name is not valid Unicode: " + e.getMessage());
        }
    }

    // =================================================================================== decode

    static SyncReq readSyncReq(WireReader r) throws MalformedMessageException {
        int type = r.u8("SyncReq type");
        SyncOp op = switch (type) {
            case SYNC_DIGEST -> new DigestOp(readInterval(r), r.u16("buckets"), r.u64("settled_before"));
            case SYNC_PULL -> readPullOp(r);
            case SYNC_PUSH -> new PushOp(readSlots(r, "PushOp slots"));
            default -> throw new MalformedMessageException("unknown SyncReq type " + type);
        };
        return new SyncReq(op);
    }

    private static PullOp readPullOp(WireReader r) throws MalformedMessageException {
        IdInterval range = readInterval(r);
        SlotKey after = r.bool("has_after") ? readSlotKey(r, "after") : null;
        int maxSlots = u31(r, "max_slots");
        int maxBytes = u31(r, "max_bytes");
        long mirrorMillis = r.u64("mirror_millis");
        return new PullOp(range, after, maxSlots, maxBytes, mirrorMillis);
    }

    static SyncAns readSyncAns(WireReader r) throws MalformedMessageException {
        int type = r.u8("SyncAns type");
        SyncResult result = switch (type) {
            case SYNC_DIGEST -> readDigestResult(r);
            case SYNC_PULL -> {
                boolean complete = r.bool("complete");
                yield new PullResult(readSlots(r, "PullResult slots"), complete);
            }
            case SYNC_PUSH -> new PushResult(u31(r, "merged"));
            default -> throw new MalformedMessageException("unknown SyncAns type " + type);
        };
        return new SyncAns(result);
    }

    private static DigestResult readDigestResult(WireReader r) throws MalformedMessageException {
        int n = r.u16("bucket count");
        if ((long) n * BUCKET_BYTES > r.remaining()) {
            throw new MalformedMessageException("truncated digest: " + n + " buckets need " + n * BUCKET_BYTES
                + " bytes, " + r.remaining() + " left");
        }
        List<Long> hashes = new ArrayList<>(n);
        List<Long> counts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hashes.add(r.u64("bucket hash"));
            counts.add(r.u64("bucket count"));
        }
        return new DigestResult(hashes, counts);
    }

    static SlotUpdateReq readSlotUpdateReq(WireReader r) throws MalformedMessageException {
        ResourceId resource = readResource(r, "SlotUpdateReq resource");
        long kind = r.u32("SlotUpdateReq kind");
        String procedure = utf8(r.opaque(1, "procedure"), "procedure");
        byte[] argument = r.opaque(4, "argument");
        return new SlotUpdateReq(resource, kind, procedure, argument);
    }

    static SlotUpdateAns readSlotUpdateAns(WireReader r) throws MalformedMessageException {
        return new SlotUpdateAns(r.u64("generation"), r.opaque(4, "reply"));
    }

    private static IdInterval readInterval(WireReader r) throws MalformedMessageException {
        NodeId start = MessageCodec.readNodeId(r, "range start");
        NodeId end = MessageCodec.readNodeId(r, "range end");
        return IdInterval.openClosed(start, end);
    }

    private static ResourceId readResource(WireReader r, String what) throws MalformedMessageException {
        return ResourceId.of(r.bytes(RingId.BYTES, what));
    }

    private static SlotKey readSlotKey(WireReader r, String what) throws MalformedMessageException {
        ResourceId resource = readResource(r, what + " resource");
        return new SlotKey(resource, r.u32(what + " kind"));
    }

    private static List<Slot> readSlots(WireReader r, String what) throws MalformedMessageException {
        WireReader v = r.vector(4, what);
        List<Slot> slots = new ArrayList<>();
        while (v.hasRemaining()) {
            slots.add(readSlot(v));
        }
        return slots;
    }

    private static Slot readSlot(WireReader r) throws MalformedMessageException {
        SlotKey key = readSlotKey(r, "Slot");
        long generation = r.u64("Slot generation");
        WireReader v = r.vector(4, "Slot elements");
        List<Element> elements = new ArrayList<>();
        while (v.hasRemaining()) {
            elements.add(readElement(v));
        }
        try {
            return new Slot(key, generation, elements, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid Slot: " + e.getMessage());
        }
    }

    private static Element readElement(WireReader r) throws MalformedMessageException {
        byte[] name = r.opaque(2, "Element name");
        long storageTime = r.u64("Element storage_time");
        long lifetime = r.u32("Element lifetime");
        boolean exists = r.bool("Element exists");
        byte[] value = r.opaque(4, "Element value");
        return new Element(name, storageTime, lifetime, exists, value);
    }

    /** A uint32 that must fit a Java int (the model holds it as one). */
    private static int u31(WireReader r, String what) throws MalformedMessageException {
        long v = r.u32(what);
        if (v > Integer.MAX_VALUE) {
            throw new MalformedMessageException(what + " out of range: " + v);
        }
        return (int) v;
    }

    private static String utf8(byte[] b, String what) throws MalformedMessageException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(b))
                .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException(what + " is not valid UTF-8");
        }
    }
}
