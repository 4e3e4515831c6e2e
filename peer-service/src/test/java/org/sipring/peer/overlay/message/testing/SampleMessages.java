package org.sipring.peer.overlay.message.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.DecodeException;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.*;
import org.sipring.peer.overlay.message.MessageCodec;
import org.sipring.peer.overlay.message.MessageExtension;

/** One realistic message of every body type this overlay sends, for golden and dissector tests. */
public final class SampleMessages {

    /** RFC 7904 SIP-REGISTRATION: dictionary keyed by the storing Node-ID. */
    public static final Kind SIP_REGISTRATION = new Kind(1, "sip-registration", DataModel.DICTIONARY);
    /** Private-use kinds for the single-value and array models. */
    public static final Kind SINGLE_KIND = new Kind(0x40000001L, "test-single", DataModel.SINGLE);
    public static final Kind ARRAY_KIND = new Kind(0x40000002L, "test-array", DataModel.ARRAY);
    public static final KindModels KINDS = KindModels.of(SIP_REGISTRATION, SINGLE_KIND, ARRAY_KIND);
    /** Kinds that a peer decoding with {@link #KINDS} does not know (a newer configuration's). */
    public static final Kind UNKNOWN_SINGLE_KIND = new Kind(0x40000099L, "test-newer-single", DataModel.SINGLE);
    public static final Kind UNKNOWN_DICTIONARY_KIND = new Kind(0x7ffffffeL, "test-newer-dict", DataModel.DICTIONARY);
    /** {@link #KINDS} and the two kinds it does not know. */
    public static final KindModels NEWER_KINDS = KindModels.of(SIP_REGISTRATION, SINGLE_KIND, ARRAY_KIND,
        UNKNOWN_SINGLE_KIND, UNKNOWN_DICTIONARY_KIND);

    public static final int OVERLAY = ForwardingHeader.overlayId("overlay.example.org");
    public static final NodeId A = NodeId.fromHex("0102030405060708090a0b0c0d0e0f10");
    public static final NodeId B = NodeId.fromHex("8000000000000000000000000000abcd");
    public static final NodeId C = NodeId.fromHex("c0000000000000000000000000001234");
    public static final ResourceId AOR = ResourceId.ofName("sip:alice@example.org");

    private SampleMessages() {
    }

    public static PeerAddress address(String ip, int port) {
        try {
            return new PeerAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public static ForwardingHeader request(long tid, Destination... dest) {
        return new ForwardingHeader(OVERLAY, 1, 100, tid, 0, List.of(), List.of(dest), null);
    }

    public static ForwardingHeader response(long tid) {
        return new ForwardingHeader(OVERLAY, 1, 100, tid, 0, List.of(),
            List.of(new Destination.Node(A)), null);
    }

    /** SipRegistration {type uri(1); uint16 length; opaque uri<0..2^16-1>} (RFC 7904). */
    public static byte[] sipRegistrationUri(String uri) {
        byte[] u = uri.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(1 + 2 + 2 + u.length).put((byte) 1).putShort((short) (2 + u.length))
            .putShort((short) u.length).put(u).array();
    }

    /** Bodies of every type, one each (requests then answers). */
    public static List<MessageBody> bodies() {
        PeerAddress v4 = address("192.0.2.1", 6084);
        PeerAddress v6 = address("2001:db8::1", 6084);
        DataValue reg = new DataValue(true, sipRegistrationUri("sip:alice@192.0.2.7"));
        StoredData dict = new StoredData(1_700_000_000_000L, 3600, new DictionaryEntry(B.toBytes(), reg));
        StoredData single = new StoredData(1_700_000_000_001L, 60,
            new SingleValue(new DataValue(true, "hello".getBytes(StandardCharsets.UTF_8))));
        StoredData array = new StoredData(1_700_000_000_002L, 60,
            new ArrayEntry(7, new DataValue(false, new byte[0])));
        List<MessageBody> out = new ArrayList<>();
        out.add(new PingReq(0));
        out.add(new PingAns(0x1122334455667788L, 1_700_000_000_123L));
        out.add(new ProbeReq(List.of(ProbeInfoType.RESPONSIBLE_SET, ProbeInfoType.NUM_RESOURCES,
            ProbeInfoType.UPTIME)));
        out.add(new ProbeAns(List.of(new ProbeInfo(ProbeInfoType.RESPONSIBLE_SET, 333_333_333L),
            new ProbeInfo(ProbeInfoType.NUM_RESOURCES, 42), new ProbeInfo(ProbeInfoType.UPTIME, 3600))));
        List<IceCandidate> candidates = List.of(
            new IceCandidate(v4, 4, "1".getBytes(StandardCharsets.US_ASCII), 2130706431L),
            new IceCandidate(v6, 4, "2".getBytes(StandardCharsets.US_ASCII), 2130706175L));
        out.add(new Attach(false, bytes("ufrag"), bytes("password"), bytes("passive"), candidates, true));
        out.add(new Attach(true, bytes("ufrag"), bytes("password"), bytes("active"), candidates, false));
        out.add(new JoinReq(A, new byte[0]));
        out.add(new JoinAns(new byte[0]));
        out.add(new LeaveReq(A, new ChordLeaveData(true, List.of(B, C))));
        out.add(new LeaveAns());
        out.add(new UpdateReq(3600, UpdateType.FULL, List.of(C), List.of(B), List.of(B, C)));
        out.add(new UpdateAns());
        out.add(new RouteQueryReq(true, new Destination.Resource(AOR), new byte[0]));
        out.add(new RouteQueryAns(B));
        out.add(new StoreReq(AOR, 0, List.of(
            new StoreKindData(SIP_REGISTRATION.id(), 0, List.of(dict)),
            new StoreKindData(SINGLE_KIND.id(), 3, List.of(single)),
            new StoreKindData(ARRAY_KIND.id(), 5, List.of(array)))));
        out.add(new StoreAns(List.of(new StoreKindResponse(SIP_REGISTRATION.id(), 1, List.of(B, C)))));
        out.add(new FetchReq(AOR, List.of(
            new DictionarySpecifier(SIP_REGISTRATION.id(), 0, List.of()),
            new SingleSpecifier(SINGLE_KIND.id(), 0),
            new ArraySpecifier(ARRAY_KIND.id(), 0, List.of(new ArrayRange(0, 0xffffffffL))))));
        out.add(new FetchAns(List.of(
            new FetchKindResponse(SIP_REGISTRATION.id(), 1, List.of(dict)),
            new FetchKindResponse(SINGLE_KIND.id(), 4, List.of(single)),
            new FetchKindResponse(ARRAY_KIND.id(), 6, List.of(array)))));
        out.add(new MessageBody.Error(ErrorCode.NOT_FOUND, bytes("no such resource")));
        return out;
    }

    /**
     * One body of each private-extension type (exp_a, exp_b) and one {@link UnknownKindReq} each
     * for Store and Fetch. Kept apart from {@link #bodies()}: Wireshark knows none of these.
     */
    public static List<MessageBody> extensionBodies() {
        Element contact = new Element(B.toBytes(), 1_700_000_000_000L, 3600, true,
            sipRegistrationUri("sip:alice@192.0.2.7"));
        Element removed = new Element(C.toBytes(), 1_700_000_000_500L, 3600, false, new byte[0]);
        Slot slot = new Slot(new SlotKey(AOR, SIP_REGISTRATION.id()), 12, List.of(contact, removed), Long.MAX_VALUE);
        IdInterval range = IdInterval.openClosed(C, A);
        List<MessageBody> out = new ArrayList<>();
        out.add(new SyncReq(new DigestOp(range, 16, 1_700_000_000_000L)));
        out.add(new SyncReq(new PullOp(range, new SlotKey(AOR, SIP_REGISTRATION.id()), 64, 4000, 30_000)));
        out.add(new SyncReq(new PushOp(List.of(slot))));
        out.add(new SyncAns(new DigestResult(List.of(0x0123456789abcdefL, 0L), List.of(3L, 0L))));
        out.add(new SyncAns(new PullResult(List.of(slot), true)));
        out.add(new SyncAns(new PushResult(1)));
        out.add(new SlotUpdateReq(AOR, SIP_REGISTRATION.id(), "registrar.bind", bytes("sip:alice@192.0.2.7")));
        out.add(new SlotUpdateAns(13, bytes("ok")));
        StoredData single = new StoredData(1_700_000_000_001L, 60,
            new SingleValue(new DataValue(true, bytes("hello"))));
        out.add(unknownKindReq(new StoreReq(AOR, 0, List.of(
            new StoreKindData(SINGLE_KIND.id(), 3, List.of(single)),
            new StoreKindData(UNKNOWN_SINGLE_KIND.id(), 0, List.of(single))))));
        out.add(unknownKindReq(new FetchReq(AOR, List.of(
            new SingleSpecifier(SINGLE_KIND.id(), 0),
            new DictionarySpecifier(UNKNOWN_DICTIONARY_KIND.id(), 0, List.of(B.toBytes()))))));
        return out;
    }

    /**
     * A StoreReq or FetchReq naming a kind outside {@link #KINDS}, as a peer decoding with
     * {@link #KINDS} receives it from one that knows {@link #NEWER_KINDS}.
     */
    public static UnknownKindReq unknownKindReq(MessageBody storeOrFetch) {
        Message m = new Message(request(1, new Destination.Resource(AOR)), storeOrFetch, List.of());
        try {
            MessageBody decoded = new MessageCodec(KINDS, 1 << 20)
                .decode(new MessageCodec(NEWER_KINDS, 1 << 20).encode(m)).body();
            if (decoded instanceof UnknownKindReq u) {
                return u;
            }
            throw new IllegalArgumentException("names no unknown kind: " + storeOrFetch);
        } catch (DecodeException e) {
            throw new IllegalArgumentException("does not decode: " + storeOrFetch, e);
        }
    }

    /** Each body in a message, requests to a node or resource, answers back to {@link #A}. */
    public static List<Message> all() {
        long tid = 0x0102030405060708L;
        List<Message> out = messages(bodies(), tid);
        out.add(withPeerDirectory(tid + out.size()));
        return out;
    }

    /** {@link #extensionBodies()}, each in a message as {@link #all()} does. */
    public static List<Message> extensionMessages() {
        return messages(extensionBodies(), 0x1102030405060708L);
    }

    private static List<Message> messages(List<MessageBody> bodies, long firstTid) {
        List<Message> out = new ArrayList<>();
        long tid = firstTid;
        for (MessageBody b : bodies) {
            boolean toResource = b instanceof StoreReq || b instanceof FetchReq || b instanceof UnknownKindReq;
            ForwardingHeader h = b.code().isRequest()
                ? request(tid, toResource ? new Destination.Resource(AOR) : new Destination.Node(B))
                : response(tid);
            out.add(new Message(h, b, List.of()));
            tid++;
        }
        return out;
    }

    /** An Update carrying the peer-directory extension, via two hops. */
    public static Message withPeerDirectory(long tid) {
        ForwardingHeader h = new ForwardingHeader(OVERLAY, 1, 98, tid, 0,
            List.of(new Destination.Node(A), new Destination.Opaque(new byte[] {(byte) 0x80, 0x01})),
            List.of(new Destination.Node(B)), null);
        MessageExtension dir = new MessageExtension.PeerDirectory(List.of(
            new MessageExtension.PeerRecord(A, address("192.0.2.1", 6084), 3, MessageExtension.PeerStatus.ALIVE),
            new MessageExtension.PeerRecord(C, address("2001:db8::2", 6085), 9, MessageExtension.PeerStatus.LEFT)));
        return new Message(h, new UpdateReq(10, UpdateType.NEIGHBORS, List.of(A), List.of(C), List.of()),
            List.of(dir));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
