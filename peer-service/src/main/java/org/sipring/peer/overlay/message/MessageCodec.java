package org.sipring.peer.overlay.message;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.MessageBody.ArrayEntry;
import org.sipring.peer.overlay.message.MessageBody.ArrayRange;
import org.sipring.peer.overlay.message.MessageBody.ArraySpecifier;
import org.sipring.peer.overlay.message.MessageBody.Attach;
import org.sipring.peer.overlay.message.MessageBody.ChordLeaveData;
import org.sipring.peer.overlay.message.MessageBody.DataValue;
import org.sipring.peer.overlay.message.MessageBody.DictionaryEntry;
import org.sipring.peer.overlay.message.MessageBody.DictionarySpecifier;
import org.sipring.peer.overlay.message.MessageBody.FetchAns;
import org.sipring.peer.overlay.message.MessageBody.FetchKindResponse;
import org.sipring.peer.overlay.message.MessageBody.FetchReq;
import org.sipring.peer.overlay.message.MessageBody.IceCandidate;
import org.sipring.peer.overlay.message.MessageBody.JoinAns;
import org.sipring.peer.overlay.message.MessageBody.JoinReq;
import org.sipring.peer.overlay.message.MessageBody.LeaveAns;
import org.sipring.peer.overlay.message.MessageBody.LeaveReq;
import org.sipring.peer.overlay.message.MessageBody.PingAns;
import org.sipring.peer.overlay.message.MessageBody.PingReq;
import org.sipring.peer.overlay.message.MessageBody.ProbeAns;
import org.sipring.peer.overlay.message.MessageBody.ProbeInfo;
import org.sipring.peer.overlay.message.MessageBody.ProbeInfoType;
import org.sipring.peer.overlay.message.MessageBody.ProbeReq;
import org.sipring.peer.overlay.message.MessageBody.RouteQueryAns;
import org.sipring.peer.overlay.message.MessageBody.RouteQueryReq;
import org.sipring.peer.overlay.message.MessageBody.SingleSpecifier;
import org.sipring.peer.overlay.message.MessageBody.SingleValue;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateAns;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateReq;
import org.sipring.peer.overlay.message.MessageBody.StoreAns;
import org.sipring.peer.overlay.message.MessageBody.StoreKindData;
import org.sipring.peer.overlay.message.MessageBody.StoreKindResponse;
import org.sipring.peer.overlay.message.MessageBody.StoreReq;
import org.sipring.peer.overlay.message.MessageBody.StoredData;
import org.sipring.peer.overlay.message.MessageBody.StoredDataSpecifier;
import org.sipring.peer.overlay.message.MessageBody.StoredDataValue;
import org.sipring.peer.overlay.message.MessageBody.SyncAns;
import org.sipring.peer.overlay.message.MessageBody.SyncReq;
import org.sipring.peer.overlay.message.MessageBody.UnknownKindReq;
import org.sipring.peer.overlay.message.MessageBody.UpdateAns;
import org.sipring.peer.overlay.message.MessageBody.UpdateReq;
import org.sipring.peer.overlay.message.MessageBody.UpdateType;
import org.sipring.peer.overlay.message.MessageExtension.PeerDirectory;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;

/**
 * RELOAD message codec (RFC 6940 §6.3): forwarding header, MessageContents and security block,
 * with the chord-reload bodies (§10), the storage bodies (§7) and this overlay's private exp_a and
 * exp_b bodies ({@link PrivateBodyCodec}). Thread-safe and stateless apart from its configuration.
 *
 * <p>A StoreReq or FetchReq naming a Kind-ID that {@link #kinds()} does not know decodes as an
 * {@link UnknownKindReq} holding the body as received, which encodes back to the same bytes; answers
 * with values of an unknown kind fail with {@link UnknownKindException}.
 *
 * <p>Encoding throws {@link IllegalArgumentException} only if a value does not fit its wire field
 * (for example a 70000-byte JoinReq overlay_specific_data). Decoding throws only
 * {@link DecodeException} subtypes: every length is checked against its container, nothing may
 * follow the security block, and the decoder refuses messages above {@link #maxMessageSize()}.
 *
 * <p>Messages are sent unsigned (links are mutually authenticated TLS): the security block holds
 * no certificates and the {@link #UNSIGNED_SIGNATURE}. Received security blocks are checked for
 * well-formedness and otherwise skipped. See docs/protocol.md.
 */
public final class MessageCodec {

    /** RFC 6940 §11.1 default max-message-size. */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 5000;

    /** Fixed part of the forwarding header: 38 bytes before the via list. */
    public static final int FORWARDING_HEADER_FIXED_LENGTH = 38;

    /**
     * The Signature this overlay sends where RFC 6940 wants one (security block and StoredData):
     * SignatureAndHashAlgorithm {hash none(0), signature anonymous(0)}, SignerIdentity
     * {cert_hash(1), length 2, {hash_alg none(0), certificate_hash<0..255> empty}}, empty
     * signature_value.
     */
    private static final byte[] UNSIGNED_SIGNATURE_BYTES = {
        0x00, 0x00,             // SignatureAndHashAlgorithm: hash none(0), signature anonymous(0)
        0x01, 0x00, 0x02,       // SignerIdentity: cert_hash(1), length 2
        0x00, 0x00,             //   hash_alg none(0), certificate_hash length 0
        0x00, 0x00              // signature_value length 0
    };

    /** Destination types (§6.3.2.2). */
    static final int DEST_NODE = 1;
    static final int DEST_RESOURCE = 2;
    static final int DEST_OPAQUE = 3;

    static final int ADDR_IPV4 = 1;
    static final int ADDR_IPV6 = 2;

    static final int CAND_HOST = 1;
    static final int CAND_SRFLX = 2;
    static final int CAND_PRFLX = 3;
    static final int CAND_RELAY = 4;

    static final int LEAVE_FROM_SUCC = 1;
    static final int LEAVE_FROM_PRED = 2;

    private final KindModels kinds;
    private final int maxMessageSize;

    /** Codec with the RFC default maximum size that knows no kinds (see {@link KindModels#NONE}). */
    public MessageCodec() {
        this(KindModels.NONE, DEFAULT_MAX_MESSAGE_SIZE);
    }

    public MessageCodec(KindModels kinds) {
        this(kinds, DEFAULT_MAX_MESSAGE_SIZE);
    }

    public MessageCodec(KindModels kinds, int maxMessageSize) {
        if (kinds == null) {
            throw new IllegalArgumentException("kinds must not be null");
        }
        if (maxMessageSize < FORWARDING_HEADER_FIXED_LENGTH) {
            throw new IllegalArgumentException("maxMessageSize too small: " + maxMessageSize);
        }
        this.kinds = kinds;
        this.maxMessageSize = maxMessageSize;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public KindModels kinds() {
        return kinds;
    }

    /** The unsigned Signature encoding (a copy). */
    public static byte[] unsignedSignature() {
        return UNSIGNED_SIGNATURE_BYTES.clone();
    }

    // =================================================================================== encode

    /** Encodes a whole message. */
    public byte[] encode(Message message) {
        ForwardingHeader h = message.header();
        WireWriter via = new WireWriter();
        for (Destination d : h.viaList()) {
            writeDestination(via, d);
        }
        WireWriter dest = new WireWriter();
        for (Destination d : h.destinationList()) {
            writeDestination(dest, d);
        }
        byte[] viaBytes = via.toByteArray();
        byte[] destBytes = dest.toByteArray();
        byte[] options = h.options();
        checkU16(viaBytes.length, "via list");
        checkU16(destBytes.length, "destination list");
        checkU16(options.length, "forwarding options");

        WireWriter w = new WireWriter();
        w.u32(ForwardingHeader.RELO_TOKEN & 0xffffffffL);
        w.u32(h.overlay() & 0xffffffffL);
        w.u16(h.configSequence());
        w.u8(ForwardingHeader.VERSION);
        w.u8(h.ttl());
        w.u32(ForwardingHeader.UNFRAGMENTED & 0xffffffffL);
        int lengthAt = w.position();
        w.u32(0);
        w.u64(h.transactionId());
        w.u32(h.maxResponseLength() & 0xffffffffL);
        w.u16(viaBytes.length);
        w.u16(destBytes.length);
        w.u16(options.length);
        w.bytes(viaBytes);
        w.bytes(destBytes);
        w.bytes(options);

        // MessageContents
        w.u16(message.body().code().value());
        int body = w.beginVector(4);
        writeBody(w, message.body());
        w.endVector(body, 4, "message body");
        int ext = w.beginVector(4);
        for (MessageExtension e : message.extensions()) {
            writeExtension(w, e);
        }
        w.endVector(ext, 4, "extensions");

        // SecurityBlock: no certificates, unsigned
        w.u16(0);
        w.bytes(UNSIGNED_SIGNATURE_BYTES);

        w.putU32At(lengthAt, w.position());
        return w.toByteArray();
    }

    /** Encodes a StoreAns on its own, as Error_Generation_Counter_Too_Low's error_info needs. */
    public static byte[] encodeStoreAns(StoreAns ans) {
        WireWriter w = new WireWriter();
        writeStoreAns(w, ans);
        return w.toByteArray();
    }

    private static void checkU16(int n, String what) {
        if (n > 0xffff) {
            throw new IllegalArgumentException(what + " is " + n + " bytes, more than 65535");
        }
    }

    static void writeDestination(WireWriter w, Destination d) {
        if (d instanceof Destination.Node n) {
            w.u8(DEST_NODE).u8(NodeId.BYTES).bytes(n.id().toBytes());
        } else if (d instanceof Destination.Resource r) {
            // destination_data is a ResourceId, itself opaque<0..2^8-1>: two length bytes.
            w.u8(DEST_RESOURCE).u8(1 + ResourceId.BYTES).u8(ResourceId.BYTES).bytes(r.id().toBytes());
        } else if (d instanceof Destination.Opaque o) {
            byte[] v = o.value();
            if (v.length > 254) {
                throw new IllegalArgumentException("opaque destination longer than 254 bytes");
            }
            w.u8(DEST_OPAQUE).u8(1 + v.length).u8(v.length).bytes(v);
        } else {
            throw new IllegalArgumentException("unsupported destination " + d);
        }
    }

    private void writeBody(WireWriter w, MessageBody body) {
        if (body instanceof PingReq p) {
            if (p.paddingLength() < 0 || p.paddingLength() > 0xffff) {
                throw new IllegalArgumentException("ping padding out of range: " + p.paddingLength());
            }
            w.u16(p.paddingLength()).zeros(p.paddingLength());
        } else if (body instanceof PingAns p) {
            w.u64(p.responseId()).u64(p.time());
        } else if (body instanceof ProbeReq p) {
            int v = w.beginVector(1);
            for (ProbeInfoType t : p.requested()) {
                w.u8(t.value);
            }
            w.endVector(v, 1, "ProbeReq requested_info");
        } else if (body instanceof ProbeAns p) {
            int v = w.beginVector(2);
            for (ProbeInfo i : p.info()) {
                if (i.value() < 0 || i.value() > 0xffffffffL) {
                    throw new IllegalArgumentException("probe value must be a uint32: " + i.value());
                }
                w.u8(i.type().value).u8(4).u32(i.value());
            }
            w.endVector(v, 2, "ProbeAns probe_info");
        } else if (body instanceof Attach a) {
            writeAttach(w, a);
        } else if (body instanceof JoinReq j) {
            w.bytes(j.joiningPeer().toBytes()).opaque(2, j.overlaySpecific(), "JoinReq overlay_specific_data");
        } else if (body instanceof JoinAns j) {
            w.opaque(2, j.overlaySpecific(), "JoinAns overlay_specific_data");
        } else if (body instanceof LeaveReq l) {
            w.bytes(l.leavingPeer().toBytes());
            int v = w.beginVector(2);
            ChordLeaveData d = l.data();
            w.u8(d.fromSuccessor() ? LEAVE_FROM_SUCC : LEAVE_FROM_PRED);
            writeNodeIds(w, d.peers(), "ChordLeaveData peers");
            w.endVector(v, 2, "LeaveReq overlay_specific_data");
        } else if (body instanceof LeaveAns || body instanceof UpdateAns) {
            // §6.4.2.2: LeaveAns is an empty message; §6.4.2.3: UpdateAns only signals success.
            return;
        } else if (body instanceof UpdateReq u) {
            if (u.uptimeSeconds() < 0 || u.uptimeSeconds() > 0xffffffffL) {
                throw new IllegalArgumentException("uptime must be a uint32: " + u.uptimeSeconds());
            }
            w.u32(u.uptimeSeconds()).u8(u.type().value);
            if (u.type() != UpdateType.PEER_READY) {
                writeNodeIds(w, u.predecessors(), "predecessors");
                writeNodeIds(w, u.successors(), "successors");
            }
            if (u.type() == UpdateType.FULL) {
                writeNodeIds(w, u.fingers(), "fingers");
            }
        } else if (body instanceof RouteQueryReq r) {
            w.bool(r.sendUpdate());
            writeDestination(w, r.destination());
            w.opaque(2, r.overlaySpecific(), "RouteQueryReq overlay_specific_data");
        } else if (body instanceof RouteQueryAns r) {
            w.bytes(r.nextPeer().toBytes());
        } else if (body instanceof MessageBody.Error e) {
            w.u16(e.errorCode().value()).opaque(2, e.errorInfo(), "ErrorResponse error_info");
        } else if (body instanceof StoreReq s) {
            writeStoreReq(w, s);
        } else if (body instanceof StoreAns s) {
            writeStoreAns(w, s);
        } else if (body instanceof FetchReq f) {
            writeFetchReq(w, f);
        } else if (body instanceof FetchAns f) {
            int v = w.beginVector(4);
            for (FetchKindResponse r : f.kindResponses()) {
                w.u32(r.kind()).u64(r.generation());
                writeStoredDataList(w, r.kind(), r.values());
            }
            w.endVector(v, 4, "FetchAns kind_responses");
        } else if (body instanceof UnknownKindReq u) {
            // forwarded unchanged: the body is the one received
            w.bytes(u.body());
        } else if (body instanceof SyncReq s) {
            PrivateBodyCodec.writeSyncReq(w, s);
        } else if (body instanceof SyncAns s) {
            PrivateBodyCodec.writeSyncAns(w, s);
        } else if (body instanceof SlotUpdateReq u) {
            PrivateBodyCodec.writeSlotUpdateReq(w, u);
        } else if (body instanceof SlotUpdateAns u) {
            PrivateBodyCodec.writeSlotUpdateAns(w, u);
        } else {
            throw new IllegalArgumentException("unsupported body " + body.getClass().getSimpleName());
        }
    }

    private static void writeNodeIds(WireWriter w, List<NodeId> ids, String what) {
        int v = w.beginVector(2);
        for (NodeId id : ids) {
            w.bytes(id.toBytes());
        }
        w.endVector(v, 2, what);
    }

    private static void writeAttach(WireWriter w, Attach a) {
        w.opaque(1, a.ufrag(), "ufrag").opaque(1, a.password(), "password").opaque(1, a.role(), "role");
        int v = w.beginVector(2);
        for (IceCandidate c : a.candidates()) {
            writeAddress(w, c.address());
            if (c.overlayLink() < 0 || c.overlayLink() > 255) {
                throw new IllegalArgumentException("overlay_link must be a uint8: " + c.overlayLink());
            }
            if (c.priority() < 0 || c.priority() > 0xffffffffL) {
                throw new IllegalArgumentException("priority must be a uint32: " + c.priority());
            }
            w.u8(c.overlayLink());
            w.opaque(1, c.foundation(), "foundation");
            w.u32(c.priority());
            w.u8(CAND_HOST);
            w.u16(0); // IceExtension extensions<0..2^16-1>: none
        }
        w.endVector(v, 2, "candidates");
        w.bool(a.sendUpdate());
    }

    static void writeAddress(WireWriter w, PeerAddress a) {
        byte[] ip = a.ip().getAddress();
        w.u8(ip.length == 4 ? ADDR_IPV4 : ADDR_IPV6).u8(ip.length + 2).bytes(ip).u16(a.port());
    }

    private void writeStoreReq(WireWriter w, StoreReq s) {
        w.opaque(1, s.resource().toBytes(), "resource");
        w.u8(s.replicaNumber());
        int v = w.beginVector(4);
        for (StoreKindData k : s.kindData()) {
            w.u32(k.kind()).u64(k.generationCounter());
            writeStoredDataList(w, k.kind(), k.values());
        }
        w.endVector(v, 4, "StoreReq kind_data");
    }

    private void writeStoredDataList(WireWriter w, long kind, List<StoredData> values) {
        int v = w.beginVector(4);
        DataModel expected = kinds.modelOf(kind).orElse(null);
        for (StoredData d : values) {
            if (expected != null && d.model() != expected) {
                throw new IllegalArgumentException("kind " + kind + " uses the " + expected
                    + " model, value is " + d.model());
            }
            int len = w.beginVector(4);
            w.u64(d.storageTime()).u32(d.lifetime());
            writeStoredDataValue(w, d.value());
            w.bytes(UNSIGNED_SIGNATURE_BYTES);
            w.endVector(len, 4, "StoredData");
        }
        w.endVector(v, 4, "StoredData values");
    }

    private static void writeStoredDataValue(WireWriter w, StoredDataValue value) {
        if (value instanceof ArrayEntry a) {
            w.u32(a.index());
        } else if (value instanceof DictionaryEntry d) {
            w.opaque(2, d.key(), "dictionary key");
        }
        writeDataValue(w, value.dataValue());
    }

    private static void writeDataValue(WireWriter w, DataValue v) {
        w.bool(v.exists()).opaque(4, v.value(), "DataValue value");
    }

    private static void writeStoreAns(WireWriter w, StoreAns s) {
        int v = w.beginVector(2);
        for (StoreKindResponse r : s.kindResponses()) {
            w.u32(r.kind()).u64(r.generationCounter());
            writeNodeIds(w, r.replicas(), "replicas");
        }
        w.endVector(v, 2, "StoreAns kind_responses");
    }

    private static void writeFetchReq(WireWriter w, FetchReq f) {
        w.opaque(1, f.resource().toBytes(), "resource");
        int v = w.beginVector(2);
        for (StoredDataSpecifier s : f.specifiers()) {
            w.u32(s.kind()).u64(s.generation());
            int len = w.beginVector(2);
            if (s instanceof ArraySpecifier a) {
                int r = w.beginVector(2);
                for (ArrayRange range : a.indices()) {
                    w.u32(range.first()).u32(range.last());
                }
                w.endVector(r, 2, "indices");
            } else if (s instanceof DictionarySpecifier d) {
                int k = w.beginVector(2);
                for (byte[] key : d.keys()) {
                    w.opaque(2, key, "dictionary key");
                }
                w.endVector(k, 2, "keys");
            }
            w.endVector(len, 2, "StoredDataSpecifier");
        }
        w.endVector(v, 2, "FetchReq specifiers");
    }

    private static void writeExtension(WireWriter w, MessageExtension e) {
        w.u16(e.type()).bool(e.critical());
        int v = w.beginVector(4);
        if (e instanceof MessageExtension.Unknown u) {
            w.bytes(u.contents());
        } else if (e instanceof PeerDirectory d) {
            int list = w.beginVector(2);
            for (PeerRecord r : d.records()) {
                w.bytes(r.id().toBytes());
                writeAddress(w, r.address());
                w.u64(r.incarnation()).u8(r.status().value);
            }
            w.endVector(list, 2, "peer directory records");
        }
        w.endVector(v, 4, "extension_contents");
    }

    // =================================================================================== decode

    /** Decodes the remaining bytes of {@code buffer} as one message; advances it to its limit. */
    public Message decode(ByteBuffer buffer) throws DecodeException {
        if (buffer.remaining() > maxMessageSize) {
            throw new MessageTooLargeException(buffer.remaining(), maxMessageSize);
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return decode(b);
    }

    /** Decodes one whole message. */
    public Message decode(byte[] bytes) throws DecodeException {
        if (bytes == null) {
            throw new MalformedMessageException("no message");
        }
        if (bytes.length > maxMessageSize) {
            throw new MessageTooLargeException(bytes.length, maxMessageSize);
        }
        WireReader r = new WireReader(bytes, 0, bytes.length);
        ForwardingHeader header = readHeader(r, bytes.length);
        try {
            return readContents(r, header);
        } catch (DecodeException e) {
            throw e.withHeader(header);
        } catch (IllegalArgumentException e) {
            // a model constructor refused a decoded value
            throw new MalformedMessageException("invalid value: " + e.getMessage(), header);
        }
    }

    private ForwardingHeader readHeader(WireReader r, int actualLength) throws DecodeException {
        int token = r.i32("relo_token");
        if (token != ForwardingHeader.RELO_TOKEN) {
            throw new MalformedMessageException(String.format("bad relo_token 0x%08x", token));
        }
        int overlay = r.i32("overlay");
        int configSequence = r.u16("configuration_sequence");
        int version = r.u8("version");
        if (version != ForwardingHeader.VERSION) {
            throw new UnsupportedVersionException(version);
        }
        int ttl = r.u8("ttl");
        long fragment = r.u32("fragment");
        if (fragment != (ForwardingHeader.UNFRAGMENTED & 0xffffffffL)) {
            throw new MalformedMessageException(String.format(
                "fragmented or reserved fragment bits set (0x%08x); fragmentation is not supported", fragment));
        }
        long length = r.u32("length");
        if (length > maxMessageSize) {
            throw new MessageTooLargeException(length, maxMessageSize);
        }
        if (length != actualLength) {
            throw new MalformedMessageException("length field says " + length + " bytes, message has "
                + actualLength);
        }
        long transactionId = r.u64("transaction_id");
        int maxResponseLength = r.i32("max_response_length");
        int viaLength = r.u16("via_list_length");
        int destLength = r.u16("destination_list_length");
        int optionsLength = r.u16("options_length");
        List<Destination> via = readDestinationList(r.sub(viaLength, "via list"));
        List<Destination> dest = readDestinationList(r.sub(destLength, "destination list"));
        WireReader opts = r.sub(optionsLength, "forwarding options");
        byte[] options = opts.bytes(opts.remaining(), "forwarding options");
        validateOptions(new WireReader(options, 0, options.length));
        return new ForwardingHeader(overlay, configSequence, ttl, transactionId, maxResponseLength, via,
            dest, options);
    }

    private static void validateOptions(WireReader r) throws MalformedMessageException {
        while (r.hasRemaining()) {
            r.u8("forwarding option type");
            r.u8("forwarding option flags");
            r.vector(2, "forwarding option");
        }
    }

    private static List<Destination> readDestinationList(WireReader r) throws MalformedMessageException {
        List<Destination> out = new ArrayList<>();
        while (r.hasRemaining()) {
            out.add(readDestination(r));
        }
        return out;
    }

    static Destination readDestination(WireReader r) throws MalformedMessageException {
        int type = r.u8("destination type");
        if ((type & 0x80) != 0) {
            // §6.3.2.2 compressed form: a 16-bit opaque id with the top bit set
            int low = r.u8("compressed destination");
            return new Destination.Opaque(new byte[] {(byte) type, (byte) low});
        }
        WireReader data = r.vector(1, "destination");
        Destination d = switch (type) {
            case DEST_NODE -> new Destination.Node(readNodeId(data, "destination node_id"));
            case DEST_RESOURCE -> new Destination.Resource(readResourceId(data, "destination resource_id"));
            case DEST_OPAQUE -> new Destination.Opaque(data.opaque(1, "destination opaque_id"));
            default -> throw new MalformedMessageException("unknown destination type " + type);
        };
        data.expectEnd("destination");
        return d;
    }

    static NodeId readNodeId(WireReader r, String what) throws MalformedMessageException {
        return NodeId.of(r.bytes(NodeId.BYTES, what));
    }

    static ResourceId readResourceId(WireReader r, String what) throws MalformedMessageException {
        byte[] b = r.opaque(1, what);
        if (b.length != ResourceId.BYTES) {
            throw new MalformedMessageException(what + " has " + b.length + " bytes, chord-reload uses "
                + ResourceId.BYTES);
        }
        return ResourceId.of(b);
    }

    private Message readContents(WireReader r, ForwardingHeader header) throws DecodeException {
        int code = r.u16("message_code");
        WireReader body = r.vector(4, "message_body");
        WireReader ext = r.vector(4, "extensions");
        readSecurityBlock(r);
        r.expectEnd("security block");
        MessageCode mc = MessageCode.of(code).orElseThrow(() -> new UnknownMessageCodeException(code));
        MessageBody b = readBody(mc, body);
        body.expectEnd("message body");
        List<MessageExtension> extensions = new ArrayList<>();
        while (ext.hasRemaining()) {
            extensions.add(readExtension(ext));
        }
        return new Message(header, b, extensions);
    }

    private static void readSecurityBlock(WireReader r) throws MalformedMessageException {
        WireReader certs = r.vector(2, "certificates");
        while (certs.hasRemaining()) {
            certs.u8("certificate type");
            certs.vector(2, "certificate");
        }
        skipSignature(r);
    }

    /** Skips one well-formed Signature (§6.3.4). */
    static void skipSignature(WireReader r) throws MalformedMessageException {
        r.u8("signature hash algorithm");
        r.u8("signature algorithm");
        r.u8("signer identity type");
        r.vector(2, "signer identity");
        r.vector(2, "signature_value");
    }

    private MessageBody readBody(MessageCode code, WireReader r) throws DecodeException {
        return switch (code) {
            case PING_REQ -> new PingReq(r.opaque(2, "padding").length);
            case PING_ANS -> new PingAns(r.u64("response_id"), r.u64("time"));
            case PROBE_REQ -> readProbeReq(r);
            case PROBE_ANS -> readProbeAns(r);
            case ATTACH_REQ -> readAttach(r, false);
            case ATTACH_ANS -> readAttach(r, true);
            case JOIN_REQ -> new JoinReq(readNodeId(r, "joining_peer_id"), r.opaque(2, "overlay_specific_data"));
            case JOIN_ANS -> new JoinAns(r.opaque(2, "overlay_specific_data"));
            case LEAVE_REQ -> readLeaveReq(r);
            case LEAVE_ANS -> new LeaveAns();
            case UPDATE_REQ -> readUpdate(r);
            case UPDATE_ANS -> new UpdateAns();
            case ROUTE_QUERY_REQ -> new RouteQueryReq(r.bool("send_update"), readDestination(r),
                r.opaque(2, "overlay_specific_data"));
            case ROUTE_QUERY_ANS -> new RouteQueryAns(readNodeId(r, "next_peer"));
            case ERROR -> {
                int ec = r.u16("error_code");
                byte[] info = r.opaque(2, "error_info");
                // An error code from a later revision still fails the transaction.
                yield new MessageBody.Error(ErrorCode.of(ec).orElse(ErrorCode.INVALID_MESSAGE), info);
            }
            case STORE_REQ -> readStoreReq(r);
            case STORE_ANS -> readStoreAns(r);
            case FETCH_REQ -> readFetchReq(r);
            case FETCH_ANS -> readFetchAns(r);
            case EXP_A_REQ -> PrivateBodyCodec.readSyncReq(r);
            case EXP_A_ANS -> PrivateBodyCodec.readSyncAns(r);
            case EXP_B_REQ -> PrivateBodyCodec.readSlotUpdateReq(r);
            case EXP_B_ANS -> PrivateBodyCodec.readSlotUpdateAns(r);
            case FIND_REQ, FIND_ANS, STAT_REQ, STAT_ANS, APP_ATTACH_REQ, APP_ATTACH_ANS, CONFIG_UPDATE_REQ,
                CONFIG_UPDATE_ANS -> throw new UnknownMessageCodeException(code.value());
        };
    }

    private static ProbeReq readProbeReq(WireReader r) throws MalformedMessageException {
        WireReader v = r.vector(1, "requested_info");
        List<ProbeInfoType> types = new ArrayList<>();
        while (v.hasRemaining()) {
            int t = v.u8("ProbeInformationType");
            probeType(t).ifPresent(types::add); // unknown types are ignored, not answered (§6.4.2.5.2)
        }
        return new ProbeReq(types);
    }

    private static java.util.Optional<ProbeInfoType> probeType(int t) {
        for (ProbeInfoType p : ProbeInfoType.values()) {
            if (p.value == t) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    private static ProbeAns readProbeAns(WireReader r) throws MalformedMessageException {
        WireReader v = r.vector(2, "probe_info");
        List<ProbeInfo> info = new ArrayList<>();
        while (v.hasRemaining()) {
            int t = v.u8("ProbeInformation type");
            WireReader data = v.vector(1, "ProbeInformation");
            var type = probeType(t);
            if (type.isEmpty()) {
                continue; // "This structure allows for unknown option types."
            }
            long value = data.u32("ProbeInformation value");
            data.expectEnd("ProbeInformation");
            info.add(new ProbeInfo(type.get(), value));
        }
        return new ProbeAns(info);
    }

    private static Attach readAttach(WireReader r, boolean answer) throws MalformedMessageException {
        byte[] ufrag = r.opaque(1, "ufrag");
        byte[] password = r.opaque(1, "password");
        byte[] role = r.opaque(1, "role");
        WireReader v = r.vector(2, "candidates");
        List<IceCandidate> candidates = new ArrayList<>();
        while (v.hasRemaining()) {
            PeerAddress addr = readAddress(v, "addr_port");
            int link = v.u8("overlay_link");
            byte[] foundation = v.opaque(1, "foundation");
            long priority = v.u32("priority");
            int type = v.u8("candidate type");
            switch (type) {
                case CAND_HOST -> {
                }
                case CAND_SRFLX, CAND_PRFLX, CAND_RELAY -> readAddress(v, "rel_addr_port");
                default -> throw new MalformedMessageException("unknown ICE candidate type " + type);
            }
            WireReader exts = v.vector(2, "ICE extensions");
            while (exts.hasRemaining()) {
                exts.vector(2, "ICE extension name");
                exts.vector(2, "ICE extension value");
            }
            if (type == CAND_HOST) {
                // Only host candidates are usable without ICE; others are parsed and dropped.
                candidates.add(new IceCandidate(addr, link, foundation, priority));
            }
        }
        boolean sendUpdate = r.bool("send_update");
        return new Attach(answer, ufrag, password, role, candidates, sendUpdate);
    }

    static PeerAddress readAddress(WireReader r, String what) throws MalformedMessageException {
        int type = r.u8(what + " type");
        WireReader v = r.vector(1, what);
        int ipLength = switch (type) {
            case ADDR_IPV4 -> 4;
            case ADDR_IPV6 -> 16;
            default -> throw new MalformedMessageException("unknown address type " + type + " in " + what);
        };
        byte[] ip = v.bytes(ipLength, what + " address");
        int port = v.u16(what + " port");
        v.expectEnd(what);
        if (port == 0) {
            throw new MalformedMessageException(what + " has port 0");
        }
        try {
            return new PeerAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new MalformedMessageException("bad " + what + ": " + e.getMessage());
        }
    }

    private static LeaveReq readLeaveReq(WireReader r) throws MalformedMessageException {
        NodeId leaving = readNodeId(r, "leaving_peer_id");
        WireReader data = r.vector(2, "overlay_specific_data");
        int type = data.u8("ChordLeaveType");
        if (type != LEAVE_FROM_SUCC && type != LEAVE_FROM_PRED) {
            throw new MalformedMessageException("unknown ChordLeaveType " + type);
        }
        List<NodeId> peers = readNodeIds(data, type == LEAVE_FROM_SUCC ? "successors" : "predecessors");
        data.expectEnd("ChordLeaveData");
        return new LeaveReq(leaving, new ChordLeaveData(type == LEAVE_FROM_SUCC, peers));
    }

    static List<NodeId> readNodeIds(WireReader r, String what) throws MalformedMessageException {
        WireReader v = r.vector(2, what);
        if (v.remaining() % NodeId.BYTES != 0) {
            throw new MalformedMessageException(what + " length " + v.remaining()
                + " is not a multiple of " + NodeId.BYTES);
        }
        List<NodeId> ids = new ArrayList<>(v.remaining() / NodeId.BYTES);
        while (v.hasRemaining()) {
            ids.add(readNodeId(v, what));
        }
        return ids;
    }

    private static UpdateReq readUpdate(WireReader r) throws MalformedMessageException {
        long uptime = r.u32("uptime");
        int t = r.u8("ChordUpdateType");
        UpdateType type = switch (t) {
            case 1 -> UpdateType.PEER_READY;
            case 2 -> UpdateType.NEIGHBORS;
            case 3 -> UpdateType.FULL;
            default -> throw new MalformedMessageException("unknown ChordUpdateType " + t);
        };
        List<NodeId> preds = List.of();
        List<NodeId> succs = List.of();
        List<NodeId> fingers = List.of();
        if (type != UpdateType.PEER_READY) {
            preds = readNodeIds(r, "predecessors");
            succs = readNodeIds(r, "successors");
        }
        if (type == UpdateType.FULL) {
            fingers = readNodeIds(r, "fingers");
        }
        return new UpdateReq(uptime, type, preds, succs, fingers);
    }

    private DataModel modelOf(long kind) throws UnknownKindException {
        return kinds.modelOf(kind).orElseThrow(() -> new UnknownKindException(kind));
    }

    /**
     * StoreReq (§7.4.1.1), or an {@link UnknownKindReq} when it names kinds this peer does not
     * know: their values cannot be parsed without the data model (§7.2), so they are skipped
     * whole, and the peer can still answer Error_Unknown_Kind listing them (§7.4.1.2) or forward
     * the body unchanged. The values of known kinds are still checked.
     */
    private MessageBody readStoreReq(WireReader r) throws DecodeException {
        byte[] raw = r.peekRemaining();
        ResourceId resource = readResourceId(r, "resource");
        int replica = r.u8("replica_number");
        WireReader v = r.vector(4, "kind_data");
        List<StoreKindData> kindData = new ArrayList<>();
        Set<Long> unknown = new LinkedHashSet<>();
        while (v.hasRemaining()) {
            long kind = v.u32("kind");
            long generation = v.u64("generation_counter");
            Optional<DataModel> model = kinds.modelOf(kind);
            if (model.isPresent()) {
                kindData.add(new StoreKindData(kind, generation, readStoredDataList(v, model.get())));
            } else {
                unknown.add(kind);
                skipStoredDataList(v);
            }
        }
        return unknown.isEmpty() ? new StoreReq(resource, replica, kindData)
            : new UnknownKindReq(MessageCode.STORE_REQ, resource, List.copyOf(unknown), raw);
    }

    /** FetchAns values: a kind this peer does not know fails the answer, unless it has no values. */
    private List<StoredData> readFetchedValues(WireReader r, long kind) throws DecodeException {
        WireReader v = r.vector(4, "values");
        if (!v.hasRemaining()) {
            return List.of();
        }
        return readStoredData(v, modelOf(kind));
    }

    private static List<StoredData> readStoredDataList(WireReader r, DataModel model)
        throws MalformedMessageException {
        return readStoredData(r.vector(4, "values"), model);
    }

    private static List<StoredData> readStoredData(WireReader v, DataModel model) throws MalformedMessageException {
        List<StoredData> out = new ArrayList<>();
        while (v.hasRemaining()) {
            WireReader d = v.vector(4, "StoredData");
            long storageTime = d.u64("storage_time");
            long lifetime = d.u32("lifetime");
            StoredDataValue value = switch (model) {
                case SINGLE -> new SingleValue(readDataValue(d));
                case ARRAY -> new ArrayEntry(d.u32("index"), readDataValue(d));
                case DICTIONARY -> new DictionaryEntry(d.opaque(2, "dictionary key"), readDataValue(d));
            };
            skipSignature(d);
            d.expectEnd("StoredData");
            out.add(new StoredData(storageTime, lifetime, value));
        }
        return out;
    }

    /** Values of an unknown kind: only the framing, which does not depend on the model, is checked. */
    private static void skipStoredDataList(WireReader r) throws MalformedMessageException {
        WireReader v = r.vector(4, "values");
        while (v.hasRemaining()) {
            v.vector(4, "StoredData");
        }
    }

    private static DataValue readDataValue(WireReader r) throws MalformedMessageException {
        return new DataValue(r.bool("exists"), r.opaque(4, "value"));
    }

    /** Decodes a StoreAns on its own (Error_Generation_Counter_Too_Low's error_info). */
    public StoreAns decodeStoreAns(byte[] bytes) throws DecodeException {
        if (bytes.length > maxMessageSize) {
            throw new MessageTooLargeException(bytes.length, maxMessageSize);
        }
        WireReader r = new WireReader(bytes, 0, bytes.length);
        StoreAns a = readStoreAns(r);
        r.expectEnd("StoreAns");
        return a;
    }

    private static StoreAns readStoreAns(WireReader r) throws MalformedMessageException {
        WireReader v = r.vector(2, "kind_responses");
        List<StoreKindResponse> out = new ArrayList<>();
        while (v.hasRemaining()) {
            long kind = v.u32("kind");
            long generation = v.u64("generation_counter");
            out.add(new StoreKindResponse(kind, generation, readNodeIds(v, "replicas")));
        }
        return new StoreAns(out);
    }

    /** FetchReq (§7.4.2.1), or an {@link UnknownKindReq} as for {@link #readStoreReq}. */
    private MessageBody readFetchReq(WireReader r) throws DecodeException {
        byte[] raw = r.peekRemaining();
        ResourceId resource = readResourceId(r, "resource");
        WireReader v = r.vector(2, "specifiers");
        List<StoredDataSpecifier> specs = new ArrayList<>();
        Set<Long> unknown = new LinkedHashSet<>();
        while (v.hasRemaining()) {
            long kind = v.u32("kind");
            long generation = v.u64("generation");
            WireReader s = v.vector(2, "StoredDataSpecifier");
            Optional<DataModel> model = kinds.modelOf(kind);
            if (model.isEmpty()) {
                unknown.add(kind);
                continue;
            }
            specs.add(readSpecifier(s, kind, generation, model.get()));
            s.expectEnd("StoredDataSpecifier");
        }
        return unknown.isEmpty() ? new FetchReq(resource, specs)
            : new UnknownKindReq(MessageCode.FETCH_REQ, resource, List.copyOf(unknown), raw);
    }

    private static StoredDataSpecifier readSpecifier(WireReader s, long kind, long generation, DataModel model)
        throws MalformedMessageException {
        return switch (model) {
            case SINGLE -> new SingleSpecifier(kind, generation);
            case ARRAY -> {
                WireReader ranges = s.vector(2, "indices");
                List<ArrayRange> list = new ArrayList<>();
                while (ranges.hasRemaining()) {
                    list.add(new ArrayRange(ranges.u32("first"), ranges.u32("last")));
                }
                yield new ArraySpecifier(kind, generation, list);
            }
            case DICTIONARY -> {
                WireReader keys = s.vector(2, "keys");
                List<byte[]> list = new ArrayList<>();
                while (keys.hasRemaining()) {
                    list.add(keys.opaque(2, "dictionary key"));
                }
                yield new DictionarySpecifier(kind, generation, list);
            }
        };
    }

    private FetchAns readFetchAns(WireReader r) throws DecodeException {
        WireReader v = r.vector(4, "kind_responses");
        List<FetchKindResponse> out = new ArrayList<>();
        while (v.hasRemaining()) {
            long kind = v.u32("kind");
            long generation = v.u64("generation");
            out.add(new FetchKindResponse(kind, generation, readFetchedValues(v, kind)));
        }
        return new FetchAns(out);
    }

    private static MessageExtension readExtension(WireReader r) throws MalformedMessageException {
        int type = r.u16("extension type");
        boolean critical = r.bool("extension critical");
        WireReader contents = r.vector(4, "extension_contents");
        if (type == PeerDirectory.TYPE) {
            WireReader list = contents.vector(2, "peer directory records");
            List<PeerRecord> records = new ArrayList<>();
            while (list.hasRemaining()) {
                NodeId id = readNodeId(list, "peer record node id");
                PeerAddress addr = readAddress(list, "peer record address");
                long incarnation = list.u64("peer record incarnation");
                int s = list.u8("peer record status");
                PeerStatus status = switch (s) {
                    case 1 -> PeerStatus.ALIVE;
                    case 2 -> PeerStatus.LEFT;
                    case 3 -> PeerStatus.FAILED;
                    default -> throw new MalformedMessageException("unknown peer status " + s);
                };
                records.add(new PeerRecord(id, addr, incarnation, status));
            }
            contents.expectEnd("peer directory");
            return new PeerDirectory(records);
        }
        return new MessageExtension.Unknown(type, critical, contents.bytes(contents.remaining(), "extension"));
    }
}
