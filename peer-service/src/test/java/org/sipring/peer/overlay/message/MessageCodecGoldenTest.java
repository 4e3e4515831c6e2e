package org.sipring.peer.overlay.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.MessageBody.*;
import org.sipring.peer.overlay.message.testing.SampleMessages;

/** Exact encodings, built field by field from RFC 6940. */
class MessageCodecGoldenTest {

    private static final HexFormat HEX = HexFormat.of();
    private final MessageCodec codec = new MessageCodec(SampleMessages.KINDS);

    private static byte[] hex(String... parts) {
        return HEX.parseHex(String.join("", parts).replace(" ", ""));
    }

    private static final NodeId NODE = NodeId.fromHex("8000000000000000000000000000abcd");
    private static final long TID = 0x0102030405060708L;

    /** §6.3.2 forwarding header up to and including the length fields, for a request to NODE. */
    private static String header(int totalLength, int viaLength, int destLength) {
        return "d2454c4f"                             // relo_token
            + "9aa32b8d"                              // overlay = low 32 bits of SHA-1("overlay.example.org")
            + "0001"                                  // configuration_sequence
            + "0a"                                    // version 1.0
            + "64"                                    // ttl 100
            + "c0000000"                              // fragment: unfragmented, last
            + String.format("%08x", totalLength)      // length of the whole message
            + "0102030405060708"                      // transaction_id
            + "00000000"                              // max_response_length
            + String.format("%04x", viaLength)        // via_list_length (bytes)
            + String.format("%04x", destLength)       // destination_list_length (bytes)
            + "0000";                                 // options_length
    }

    private static final String NODE_DEST = "01 10 8000000000000000000000000000abcd"; // node(1), length 16
    /** certificates<0..2^16-1> empty, then the unsigned Signature. */
    private static final String SECURITY_BLOCK = "0000" + "0000" + "01 0002 00 00" + "0000";

    @Test
    void overlayIdIsLowBitsOfSha1OfTheName() {
        assertThat(ForwardingHeader.overlayId("overlay.example.org")).isEqualTo(0x9aa32b8d);
        assertThat(SampleMessages.OVERLAY).isEqualTo(0x9aa32b8d);
    }

    @Test
    void pingRequestToANode() throws DecodeException {
        Message m = new Message(SampleMessages.request(TID, new Destination.Node(NODE)), new PingReq(0), List.of());
        byte[] expected = hex(
            header(79, 0, 18),
            NODE_DEST,
            "0017",          // message_code ping_req
            "00000002",      // message_body length
            "0000",          // PingReq padding<0..2^16-1>: empty
            "00000000",      // extensions: none
            SECURITY_BLOCK);
        assertThat(expected).hasSize(79);
        assertThat(codec.encode(m)).isEqualTo(expected);
        assertThat(codec.decode(expected)).isEqualTo(m);
    }

    @Test
    void pingPaddingIsZeroBytes() throws DecodeException {
        Message m = new Message(SampleMessages.request(TID, new Destination.Node(NODE)), new PingReq(3), List.of());
        byte[] b = codec.encode(m);
        assertThat(HEX.formatHex(b)).contains("0017" + "00000005" + "0003000000" + "00000000");
        assertThat(codec.decode(b).body()).isEqualTo(new PingReq(3));
    }

    @Test
    void routeQueryToAResourceNestsTheResourceIdLength() throws DecodeException {
        ResourceId r = ResourceId.fromHex("fdfbd5d7a777037523f569849c4acc7b");
        Message m = new Message(SampleMessages.request(TID, new Destination.Node(NODE)),
            new RouteQueryReq(true, new Destination.Resource(r), new byte[0]), List.of());
        byte[] expected = hex(
            header(38 + 18 + 2 + 4 + 1 + 19 + 2 + 4 + 11, 0, 18),
            NODE_DEST,
            "0015", "00000016",
            "01",                                              // send_update true
            "02 11 10 fdfbd5d7a777037523f569849c4acc7b",       // resource(2), length 17, ResourceId<16>
            "0000",                                            // overlay_specific_data empty
            "00000000",
            SECURITY_BLOCK);
        assertThat(codec.encode(m)).isEqualTo(expected);
        assertThat(codec.decode(expected)).isEqualTo(m);
    }

    @Test
    void opaqueDestinationNestsItsLength() {
        WireWriter w = new WireWriter();
        MessageCodec.writeDestination(w, new Destination.Opaque(new byte[] {0x12, 0x34}));
        assertThat(w.toByteArray()).isEqualTo(hex("03 03 02 1234"));
    }

    @Test
    void compressedDestinationDecodesAsTwoByteOpaque() throws DecodeException {
        WireReader r = new WireReader(hex("8123"), 0, 2);
        assertThat(MessageCodec.readDestination(r)).isEqualTo(new Destination.Opaque(hex("8123")));
    }

    @Test
    void errorResponseBody() throws DecodeException {
        Message m = new Message(SampleMessages.request(TID, new Destination.Node(NODE)),
            new MessageBody.Error(ErrorCode.NOT_FOUND, "x".getBytes()), List.of());
        byte[] b = codec.encode(m);
        // code 0xffff, body length 5: error_code 3, error_info<1> "x"
        assertThat(HEX.formatHex(b)).contains("ffff" + "00000005" + "0003" + "0001" + "78" + "00000000");
        assertThat(codec.decode(b)).isEqualTo(m);
    }

    @Test
    void chordUpdateAndLeaveBodies() throws DecodeException {
        NodeId a = SampleMessages.A;
        Message up = new Message(SampleMessages.request(TID, new Destination.Node(NODE)),
            new UpdateReq(0x10, UpdateType.NEIGHBORS, List.of(a), List.of(), List.of()), List.of());
        assertThat(HEX.formatHex(codec.encode(up))).contains("0013" + "00000019"
            + "00000010" + "02" + "0010" + HEX.formatHex(a.toBytes()) + "0000" + "00000000");
        Message leave = new Message(SampleMessages.request(TID, new Destination.Node(NODE)),
            new LeaveReq(a, new ChordLeaveData(false, List.of(NODE))), List.of());
        assertThat(HEX.formatHex(codec.encode(leave))).contains("0011" + "00000025" + HEX.formatHex(a.toBytes())
            + "0013" + "02" + "0010" + HEX.formatHex(NODE.toBytes()));
        assertThat(codec.decode(codec.encode(up))).isEqualTo(up);
        assertThat(codec.decode(codec.encode(leave))).isEqualTo(leave);
    }

    @Test
    void emptyAnswersHaveEmptyBodies() {
        for (MessageBody b : List.of(new LeaveAns(), new UpdateAns())) {
            byte[] bytes = codec.encode(new Message(SampleMessages.response(TID), b, List.of()));
            assertThat(HEX.formatHex(bytes)).contains(String.format("%04x", b.code().value()) + "00000000" + "00000000");
        }
    }

    @Test
    void storeRequestSingleValue() throws DecodeException {
        ResourceId r = ResourceId.fromHex("000102030405060708090a0b0c0d0e0f");
        StoredData d = new StoredData(0x0102L, 60, new SingleValue(new DataValue(true, hex("abcd"))));
        Message m = new Message(SampleMessages.request(TID, new Destination.Resource(r)),
            new StoreReq(r, 1, List.of(new StoreKindData(SampleMessages.SINGLE_KIND.id(), 7, List.of(d)))), List.of());
        String body = "10 000102030405060708090a0b0c0d0e0f"  // resource
            + "01"                                          // replica_number
            + "00000030"                                    // kind_data length: 4 + 8 + 4 + 32
            + "40000001" + "0000000000000007"               // kind, generation_counter
            + "00000020"                                    // values length
            + "0000001c"                                    // StoredData length: 8 + 4 + 7 + 9
            + "0000000000000102" + "0000003c"               // storage_time, lifetime
            + "01" + "00000002" + "abcd"                    // DataValue exists, value<2>
            + "0000" + "01 0002 00 00" + "0000";            // unsigned Signature
        assertThat(HEX.formatHex(codec.encode(m))).contains(("0007" + String.format("%08x", hex(body).length)
            + body).replace(" ", ""));
        assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
    }

    @Test
    void storeAnsStandaloneForGenerationCounterErrors() throws DecodeException {
        StoreAns ans = new StoreAns(List.of(new StoreKindResponse(1, 9, List.of())));
        byte[] b = MessageCodec.encodeStoreAns(ans);
        assertThat(b).isEqualTo(hex("000e" + "00000001" + "0000000000000009" + "0000"));
        assertThat(codec.decodeStoreAns(b)).isEqualTo(ans);
    }

    @Test
    void unsignedSignatureBytes() {
        assertThat(MessageCodec.unsignedSignature()).isEqualTo(hex("0000 01 0002 00 00 0000"));
    }

    @Test
    void acceptsSignedMessagesAndSkipsTheSecurityBlock() throws DecodeException {
        Message m = new Message(SampleMessages.request(TID, new Destination.Node(NODE)), new PingReq(0), List.of());
        byte[] unsigned = codec.encode(m);
        // certificates: one X.509(0) of 3 bytes; Signature rsa(1)/sha256(4), cert_hash sha256 of 32 bytes,
        // 4-byte signature value.
        byte[] block = hex("0006" + "00" + "0003" + "aabbcc",
            "04 01", "01 0022 04 20" + "11".repeat(32), "0004 deadbeef");
        byte[] signed = replaceSecurityBlock(unsigned, block);
        assertThat(codec.decode(signed)).isEqualTo(m);
    }

    static byte[] replaceSecurityBlock(byte[] encoded, byte[] block) {
        int keep = encoded.length - 11;
        ByteBuffer b = ByteBuffer.allocate(keep + block.length);
        b.put(encoded, 0, keep).put(block);
        b.putInt(16, b.capacity()); // length field
        return b.array();
    }

    private byte[] ping() {
        return codec.encode(new Message(SampleMessages.request(TID, new Destination.Node(NODE)), new PingReq(0),
            List.of()));
    }

    @Test
    void rejectsBadToken() {
        byte[] b = ping();
        b[0] = 0x52;
        assertThatThrownBy(() -> codec.decode(b)).isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("relo_token");
    }

    @Test
    void rejectsOtherVersions() {
        byte[] b = ping();
        b[10] = 0x01;
        assertThatThrownBy(() -> codec.decode(b)).isInstanceOfSatisfying(UnsupportedVersionException.class,
            e -> assertThat(e.version()).isEqualTo(1));
    }

    @Test
    void rejectsFragments() {
        byte[] b = ping();
        b[12] = (byte) 0x80;
        assertThatThrownBy(() -> codec.decode(b)).isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("fragment");
    }

    @Test
    void rejectsLengthMismatchAndTrailingBytes() {
        byte[] b = ping();
        byte[] longer = java.util.Arrays.copyOf(b, b.length + 1);
        assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(MalformedMessageException.class);
        ByteBuffer.wrap(longer).putInt(16, longer.length);
        assertThatThrownBy(() -> codec.decode(longer)).isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining("trailing");
    }

    @Test
    void rejectsUnknownAndUnsupportedCodesWithTheHeader() {
        for (int code : new int[] {0x7001, 0x000d, 0x0000}) {
            byte[] b = ping();
            ByteBuffer.wrap(b).putShort(56, (short) code);
            assertThatThrownBy(() -> codec.decode(b)).isInstanceOfSatisfying(UnknownMessageCodeException.class, e -> {
                assertThat(e.messageCode()).isEqualTo(code);
                assertThat(e.header()).hasValueSatisfying(h -> assertThat(h.transactionId()).isEqualTo(TID));
            });
        }
    }

    @Test
    void enforcesTheMaximumSize() {
        MessageCodec small = new MessageCodec(KindModels.NONE, 60);
        assertThatThrownBy(() -> small.decode(ping())).isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
            assertThat(e.size()).isEqualTo(79);
            assertThat(e.limit()).isEqualTo(60);
            assertThat(e.errorCode()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE);
        });
        assertThatThrownBy(() -> small.decode(ByteBuffer.wrap(ping()))).isInstanceOf(MessageTooLargeException.class);
    }

    @Test
    void unknownKindInAnAnswerIsATypedErrorCarryingTheHeader() {
        Message m = SampleMessages.all().stream().filter(x -> x.body() instanceof FetchAns).findFirst().orElseThrow();
        byte[] b = codec.encode(m);
        MessageCodec ignorant = new MessageCodec(KindModels.of(SampleMessages.SIP_REGISTRATION));
        assertThatThrownBy(() -> ignorant.decode(b)).isInstanceOfSatisfying(UnknownKindException.class, e -> {
            assertThat(e.kindId()).isEqualTo(SampleMessages.SINGLE_KIND.id());
            assertThat(e.errorCode()).isEqualTo(ErrorCode.UNKNOWN_KIND);
            assertThat(e.header()).hasValue(m.header());
        });
    }

    @Test
    void decodesFromAByteBuffer() throws DecodeException {
        ByteBuffer buf = ByteBuffer.wrap(ping());
        assertThat(codec.decode(buf).body()).isEqualTo(new PingReq(0));
        assertThat(buf.hasRemaining()).isFalse();
    }

    @Test
    void encoderRefusesValuesThatDoNotFitTheirFields() {
        Message m = new Message(SampleMessages.request(TID, new Destination.Node(NODE)),
            new JoinAns(new byte[70_000]), List.of());
        assertThatThrownBy(() -> codec.encode(m)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("JoinAns");
    }
}
