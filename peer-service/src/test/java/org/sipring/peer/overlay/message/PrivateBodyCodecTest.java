package org.sipring.peer.overlay.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.message.MessageBody.*;
import org.sipring.peer.overlay.message.testing.EncodedMessages;
import org.sipring.peer.overlay.message.testing.SampleMessages;

/**
 * The exp_a (range sync) and exp_b (slot update) bodies and requests naming unknown kinds: exact
 * encodings built field by field from the layouts in {@link PrivateBodyCodec} and docs/protocol.md,
 * round trips of the edge cases, and rejection of malformed bodies with a typed DecodeException.
 */
class PrivateBodyCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final long TID = 0x0102030405060708L;
    private static final NodeId A = SampleMessages.A;
    private static final NodeId B = SampleMessages.B;
    private static final NodeId C = SampleMessages.C;
    private static final ResourceId AOR = SampleMessages.AOR;
    private static final long SIP = SampleMessages.SIP_REGISTRATION.id();

    private final MessageCodec codec = new MessageCodec(SampleMessages.KINDS, 1 << 20);

    // ----------------------------------------------------------------------------- helpers

    private static byte[] hex(String... parts) {
        return HEX.parseHex(String.join("", parts).replace(" ", ""));
    }

    private static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    private static String hex(RingId id) {
        return hex(id.toBytes());
    }

    /** A vector with a uint32 byte length: {@code <0..2^32-1>}. */
    private static String vec4(String... parts) {
        String body = String.join("", parts).replace(" ", "");
        return String.format("%08x", body.length() / 2) + body;
    }

    private static Message message(MessageBody body) {
        return new Message(body.code().isRequest() ? SampleMessages.request(TID, new Destination.Node(B))
            : SampleMessages.response(TID), body, List.of());
    }

    private byte[] encodedBody(MessageBody body) {
        return EncodedMessages.body(codec.encode(message(body)));
    }

    /** A whole message of {@code template}'s code whose body is {@code body}. */
    private byte[] framed(MessageBody template, byte[] body) {
        return EncodedMessages.withBody(codec.encode(message(template)), body);
    }

    private MessageBody decodeBody(MessageBody template, String bodyHex) throws DecodeException {
        return codec.decode(framed(template, hex(bodyHex))).body();
    }

    private void assertRoundTrip(MessageBody body) throws DecodeException {
        Message m = message(body);
        byte[] bytes = codec.encode(m);
        Message decoded = codec.decode(bytes);
        assertThat(decoded).isEqualTo(m);
        assertThat(codec.encode(decoded)).isEqualTo(bytes);
    }

    private void assertMalformed(MessageBody template, String bodyHex, String messagePart) {
        assertThatThrownBy(() -> decodeBody(template, bodyHex)).isInstanceOf(MalformedMessageException.class)
            .hasMessageContaining(messagePart);
    }

    /** Decoding must fail with a DecodeException; anything else thrown fails the test with its cause. */
    private DecodeException rejection(byte[] bytes, String what) {
        try {
            Message m = codec.decode(bytes);
            return fail("%s decoded as %s", what, m.body());
        } catch (DecodeException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw " + e, e);
        }
    }

    private static final SyncReq DIGEST = new SyncReq(new DigestOp(IdInterval.openClosed(A, B), 1, 0));
    private static final SyncAns PUSHED = new SyncAns(new PushResult(0));
    private static final Element TOMBSTONE = new Element(new byte[0], 0x11, 0xffffffffL, false, new byte[0]);
    private static final Element VALUE = new Element(new byte[] {'k'}, 0x10, 60, true, new byte[] {'v'});
    private static final String TOMBSTONE_HEX = "0000" + "0000000000000011" + "ffffffff" + "00" + "00000000";
    private static final String VALUE_HEX = "0001 6b" + "0000000000000010" + "0000003c" + "01" + "00000001 76";

    private static Slot slot(long generation, Element... elements) {
        return new Slot(new SlotKey(AOR, SIP), generation, List.of(elements), Long.MAX_VALUE);
    }

    // ----------------------------------------------------------------------------- exact encodings

    @Example
    void digestRequest() throws DecodeException {
        SyncReq req = new SyncReq(new DigestOp(IdInterval.openClosed(C, A), 4096, 0x0102030405060708L));
        byte[] expected = hex("01",                                 // digest(1)
            hex(C), hex(A),                                         // range (C, A], wraps past zero
            "1000",                                                 // buckets 4096
            "0102030405060708");                                    // settled_before
        assertThat(encodedBody(req)).isEqualTo(expected);
        assertThat(codec.decode(framed(req, expected)).body()).isEqualTo(req);
    }

    @Example
    void messageCodesAreTheRfcExperimentalOnes() {
        byte[] b = codec.encode(message(DIGEST));
        int at = EncodedMessages.bodyLengthOffset(b);
        assertThat(hex(Arrays.copyOfRange(b, at - 2, at))).isEqualTo("0023");
        assertThat(List.of(MessageCode.EXP_A_ANS.value(), MessageCode.EXP_B_REQ.value(), MessageCode.EXP_B_ANS.value()))
            .containsExactly(0x24, 0x25, 0x26);
    }

    @Example
    void pullRequestWithAndWithoutCursor() throws DecodeException {
        SyncReq first = new SyncReq(new PullOp(IdInterval.openClosed(A, B), null, 100, 5000, 0));
        SyncReq next = new SyncReq(new PullOp(IdInterval.openClosed(A, B), new SlotKey(AOR, 1), 100, 5000, 30_000));
        String range = hex(A) + hex(B);
        String limits = "00000064" + "00001388";                    // max_slots 100, max_bytes 5000
        assertThat(hex(encodedBody(first))).isEqualTo("02" + range + "00" + limits + "0000000000000000");
        assertThat(hex(encodedBody(next))).isEqualTo("02" + range
            + "01" + hex(AOR) + "00000001"                          // has_after, SlotKey
            + limits + "0000000000007530");                         // mirror_millis 30000
        assertRoundTrip(first);
        assertRoundTrip(next);
    }

    @Example
    void pushRequestCarriesSlotsWithElementsInNameOrder() throws DecodeException {
        SyncReq push = new SyncReq(new PushOp(List.of(slot(7, VALUE, TOMBSTONE))));
        String slot = hex(AOR) + "00000001"                         // SlotKey: resource[16], kind
            + "0000000000000007"                                    // generation
            + vec4(TOMBSTONE_HEX, VALUE_HEX);                       // elements, by name: "" before "k"
        assertThat(hex(encodedBody(push))).isEqualTo("03" + vec4(slot));
        assertThat(vec4(slot)).startsWith("00000048");
        assertRoundTrip(push);
    }

    @Example
    void syncAnswers() throws DecodeException {
        SyncAns digest = new SyncAns(new DigestResult(List.of(0x1111111111111111L, -1L), List.of(5L, 0L)));
        assertThat(hex(encodedBody(digest))).isEqualTo("01" + "0002"       // bucket count, not bytes
            + "1111111111111111" + "0000000000000005" + "ffffffffffffffff" + "0000000000000000");
        SyncAns pull = new SyncAns(new PullResult(List.of(), true));
        assertThat(hex(encodedBody(pull))).isEqualTo("02" + "01" + "00000000");
        SyncAns push = new SyncAns(new PushResult(7));
        assertThat(hex(encodedBody(push))).isEqualTo("03" + "00000007");
        for (SyncAns a : List.of(digest, pull, push)) {
            assertRoundTrip(a);
        }
    }

    @Example
    void slotUpdateRequestAndAnswer() throws DecodeException {
        SlotUpdateReq req = new SlotUpdateReq(AOR, SIP, "bind", new byte[] {(byte) 0xab});
        assertThat(hex(encodedBody(req))).isEqualTo(hex(AOR) + "00000001"
            + "04" + "62696e64"                                     // procedure<0..2^8-1> "bind"
            + "00000001" + "ab");                                   // argument<0..2^32-1>
        SlotUpdateAns ans = new SlotUpdateAns(-1, new byte[0]);
        assertThat(hex(encodedBody(ans))).isEqualTo("ffffffffffffffff" + "00000000");
        assertRoundTrip(req);
        assertRoundTrip(ans);
    }

    // ----------------------------------------------------------------------------- round trips

    @Example
    void emptyLists() throws DecodeException {
        assertRoundTrip(new SyncReq(new PushOp(List.of())));
        assertRoundTrip(new SyncReq(new PushOp(List.of(slot(0)))));
        assertRoundTrip(new SyncAns(new PullResult(List.of(), false)));
        assertRoundTrip(new SyncAns(new PullResult(List.of(slot(1)), true)));
        assertRoundTrip(new SyncAns(new DigestResult(List.of(), List.of())));
        assertRoundTrip(new SlotUpdateReq(AOR, 0, "", new byte[0]));
        assertRoundTrip(new SlotUpdateAns(0, new byte[0]));
    }

    @Example
    void intervalsWrappingAndWholeRing() throws DecodeException {
        NodeId max = new NodeId(-1L, -1L);
        NodeId zero = new NodeId(0, 0);
        for (IdInterval range : List.of(IdInterval.openClosed(C, A), IdInterval.openClosed(A, A),
            IdInterval.openClosed(max, zero), IdInterval.openClosed(zero, max), IdInterval.openClosed(zero, zero))) {
            assertRoundTrip(new SyncReq(new DigestOp(range, 8, 1)));
            assertRoundTrip(new SyncReq(new PullOp(range, null, 1, 1, 0)));
            SyncReq decoded = (SyncReq) codec.decode(codec.encode(message(new SyncReq(new DigestOp(range, 8, 1)))))
                .body();
            assertThat(((DigestOp) decoded.op()).range().isWholeRing()).isEqualTo(range.isWholeRing());
        }
    }

    @Example
    void bigValues() throws DecodeException {
        NodeId max = new NodeId(-1L, -1L);
        SlotKey lastKey = new SlotKey(ResourceId.at(max), 0xffffffffL);
        assertRoundTrip(new SyncReq(new DigestOp(IdInterval.openClosed(max, max), 4096, -1L)));
        assertRoundTrip(new SyncReq(new DigestOp(IdInterval.openClosed(A, B), 1, Long.MIN_VALUE)));
        assertRoundTrip(new SyncReq(new PullOp(IdInterval.openClosed(A, B), lastKey, Integer.MAX_VALUE,
            Integer.MAX_VALUE, Long.MAX_VALUE)));
        Element huge = new Element(new byte[0xffff], -1L, 0xffffffffL, true, new byte[70_000]);
        Slot big = new Slot(lastKey, -1L, List.of(huge), Long.MAX_VALUE);
        assertRoundTrip(new SyncReq(new PushOp(List.of(big))));
        assertRoundTrip(new SyncAns(new PushResult(Integer.MAX_VALUE)));
        assertRoundTrip(new SyncAns(new DigestResult(List.of(Long.MIN_VALUE, -1L), List.of(-1L, Long.MAX_VALUE))));
        assertRoundTrip(new SlotUpdateReq(AOR, 0xffffffffL, "é".repeat(127), new byte[100_000]));
        assertRoundTrip(new SlotUpdateAns(Long.MIN_VALUE, new byte[100_000]));
    }

    @Example
    void tombstonesKeepExistsFalseAndTheirValue() throws DecodeException {
        Element tombstoneWithBytes = new Element(new byte[] {1}, 5, 10, false, new byte[] {9, 9});
        SyncAns ans = new SyncAns(new PullResult(List.of(slot(3, TOMBSTONE, tombstoneWithBytes)), false));
        assertRoundTrip(ans);
        PullResult r = (PullResult) ((SyncAns) codec.decode(codec.encode(message(ans))).body()).result();
        assertThat(r.slots().get(0).elements()).extracting(Element::exists).containsExactly(false, false);
    }

    @Example
    void decodedSlotsHaveNoPurgeTime() throws DecodeException {
        Slot local = new Slot(new SlotKey(AOR, SIP), 4, List.of(VALUE), 1_700_000_060_000L);
        SyncReq sent = new SyncReq(new PushOp(List.of(local)));
        PushOp received = (PushOp) ((SyncReq) codec.decode(codec.encode(message(sent))).body()).op();
        assertThat(received.slots().get(0).purgeAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(received.slots().get(0)).isEqualTo(slot(4, VALUE));
    }

    @Example
    void everyExtensionSampleRoundTrips() throws DecodeException {
        for (Message m : SampleMessages.extensionMessages()) {
            byte[] bytes = codec.encode(m);
            assertThat(codec.decode(bytes)).isEqualTo(m);
            assertThat(codec.encode(codec.decode(bytes))).isEqualTo(bytes);
        }
    }

    // ----------------------------------------------------------------------------- malformed input

    @Example
    void everyTruncationOfABodyIsATypedError() {
        for (Message m : SampleMessages.extensionMessages()) {
            byte[] whole = codec.encode(m);
            byte[] body = EncodedMessages.body(whole);
            for (int n = 0; n < body.length; n++) {
                byte[] cut = EncodedMessages.withBody(whole, Arrays.copyOf(body, n));
                assertThat(rejection(cut, m.body() + " cut to " + n + " bytes"))
                    .isInstanceOf(MalformedMessageException.class);
            }
        }
    }

    @Example
    void everyTruncationOfAMessageIsATypedError() {
        for (Message m : SampleMessages.extensionMessages()) {
            byte[] whole = codec.encode(m);
            for (int n = 0; n < whole.length; n++) {
                rejection(Arrays.copyOf(whole, n), m.body() + " message cut to " + n + " bytes");
            }
        }
    }

    @Provide
    Arbitrary<MessageBody> extensionBodies() {
        return MessageArbitraries.extensionBodies();
    }

    @Property(tries = 500)
    void randomBodiesRoundTrip(@ForAll("extensionBodies") MessageBody b) throws DecodeException {
        assertRoundTrip(b);
    }

    @Property(tries = 200)
    void everyTruncationOfARandomBodyIsATypedError(@ForAll("extensionBodies") MessageBody b) {
        byte[] whole = codec.encode(message(b));
        byte[] body = EncodedMessages.body(whole);
        for (int n = 0; n < body.length; n++) {
            rejection(EncodedMessages.withBody(whole, Arrays.copyOf(body, n)), b + " cut to " + n + " bytes");
        }
    }

    @Example
    void trailingBytesAfterABodyAreRejected() {
        for (Message m : SampleMessages.extensionMessages()) {
            byte[] whole = codec.encode(m);
            byte[] body = EncodedMessages.body(whole);
            byte[] longer = EncodedMessages.withBody(whole, Arrays.copyOf(body, body.length + 1));
            assertThat(rejection(longer, m.body() + " with a trailing byte"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("trailing");
        }
    }

    @Example
    void booleansOtherThanZeroOrOneAreRejected() {
        String elementWithExists2 = "0000" + "0000000000000011" + "ffffffff" + "02" + "00000000";
        assertMalformed(DIGEST, "03" + vec4(hex(AOR), "00000001", "0000000000000007", vec4(elementWithExists2)),
            "Element exists is not a Boolean: 2");
        assertMalformed(DIGEST, "02" + hex(A) + hex(B) + "ff" + "00000001" + "00000001" + "0000000000000000",
            "has_after is not a Boolean: 255");
        assertMalformed(PUSHED, "02" + "02" + "00000000", "complete is not a Boolean: 2");
    }

    @Example
    void unknownOperationAndResultTypesAreRejected() {
        for (String type : List.of("00", "04", "ff")) {
            assertMalformed(DIGEST, type + hex(A) + hex(B) + "0001" + "0000000000000000", "unknown SyncReq type");
            assertMalformed(PUSHED, type + "00000000", "unknown SyncAns type");
        }
    }

    @Example
    void aSlotWithDuplicateElementNamesIsRejected() {
        String slot = hex(AOR) + "00000001" + "0000000000000007" + vec4(VALUE_HEX, VALUE_HEX);
        assertMalformed(DIGEST, "03" + vec4(slot), "duplicate element");
        assertMalformed(PUSHED, "02" + "00" + vec4(slot), "duplicate element");
    }

    @Example
    void valuesOutsideTheModelsRangeAreRejected() {
        String range = hex(A) + hex(B);
        assertMalformed(DIGEST, "01" + range + "0000" + "0000000000000000", "buckets");
        assertMalformed(DIGEST, "01" + range + "1001" + "0000000000000000", "buckets");
        assertMalformed(DIGEST, "02" + range + "00" + "00000000" + "00000001" + "0000000000000000", "maxSlots");
        assertMalformed(DIGEST, "02" + range + "00" + "80000000" + "00000001" + "0000000000000000", "max_slots");
        assertMalformed(DIGEST, "02" + range + "00" + "00000001" + "ffffffff" + "0000000000000000", "max_bytes");
        assertMalformed(DIGEST, "02" + range + "00" + "00000001" + "00000001" + "8000000000000000", "mirrorMillis");
        assertMalformed(PUSHED, "03" + "80000000", "merged");
        assertMalformed(PUSHED, "01" + "0002" + "0000000000000001" + "0000000000000001", "truncated digest");
        SlotUpdateReq template = new SlotUpdateReq(AOR, 1, "x", new byte[0]);
        assertMalformed(template, hex(AOR) + "00000001" + "02 c328" + "00000000", "procedure is not valid UTF-8");
        assertMalformed(template, hex(AOR) + "00000001" + "03 eda080" + "00000000", "procedure is not valid UTF-8");
    }

    @Example
    void encoderRefusesValuesThatDoNotFitTheirFields() {
        assertThatThrownBy(() -> codec.encode(message(new SyncAns(new PushResult(-1)))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("merged");
        assertThatThrownBy(() -> codec.encode(message(new SlotUpdateReq(AOR, 1, "é".repeat(128), new byte[0]))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procedure");
        assertThatThrownBy(() -> codec.encode(message(new SlotUpdateReq(AOR, 1, "\ud800", new byte[0]))))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("procedure");
    }

    // ----------------------------------------------------------------------------- unknown kinds

    private static final StoredData HELLO = new StoredData(1_700_000_000_001L, 60,
        new SingleValue(new DataValue(true, "hello".getBytes())));
    private static final long UNKNOWN = SampleMessages.UNKNOWN_SINGLE_KIND.id();
    private static final long UNKNOWN_DICT = SampleMessages.UNKNOWN_DICTIONARY_KIND.id();
    private final MessageCodec newer = new MessageCodec(SampleMessages.NEWER_KINDS, 1 << 20);

    private Message toResource(MessageBody body) {
        return new Message(SampleMessages.request(TID, new Destination.Resource(AOR)), body, List.of());
    }

    @Example
    void storeNamingAnUnknownKindDecodesAsUnknownKindReq() throws DecodeException {
        StoreReq store = new StoreReq(AOR, 0, List.of(
            new StoreKindData(SampleMessages.SINGLE_KIND.id(), 3, List.of(HELLO)),
            new StoreKindData(UNKNOWN, 0, List.of(HELLO))));
        byte[] sent = newer.encode(toResource(store));
        Message received = codec.decode(sent);
        UnknownKindReq u = (UnknownKindReq) received.body();
        assertThat(u.code()).isEqualTo(MessageCode.STORE_REQ);
        assertThat(u.resource()).isEqualTo(AOR);
        assertThat(u.unknownKinds()).containsExactly(UNKNOWN);
        assertThat(u.body()).isEqualTo(EncodedMessages.body(sent));
        assertThat(codec.encode(received)).isEqualTo(sent);
    }

    @Example
    void fetchNamingAnUnknownKindDecodesAsUnknownKindReq() throws DecodeException {
        FetchReq fetch = new FetchReq(AOR, List.of(
            new DictionarySpecifier(UNKNOWN_DICT, 0, List.of(A.toBytes())),
            new SingleSpecifier(SampleMessages.SINGLE_KIND.id(), 2)));
        byte[] sent = newer.encode(toResource(fetch));
        Message received = codec.decode(sent);
        UnknownKindReq u = (UnknownKindReq) received.body();
        assertThat(u.code()).isEqualTo(MessageCode.FETCH_REQ);
        assertThat(u.resource()).isEqualTo(AOR);
        assertThat(u.unknownKinds()).containsExactly(UNKNOWN_DICT);
        assertThat(u.body()).isEqualTo(EncodedMessages.body(sent));
        assertThat(codec.encode(received)).isEqualTo(sent);
    }

    @Example
    void everyUnknownKindIsListedOnceInOrder() throws DecodeException {
        StoreReq store = new StoreReq(AOR, 1, List.of(
            new StoreKindData(UNKNOWN_DICT, 0, List.of()),
            new StoreKindData(SampleMessages.SINGLE_KIND.id(), 3, List.of(HELLO)),
            new StoreKindData(UNKNOWN, 0, List.of(HELLO)),
            new StoreKindData(UNKNOWN_DICT, 0, List.of())));
        UnknownKindReq u = (UnknownKindReq) codec.decode(newer.encode(toResource(store))).body();
        assertThat(u.unknownKinds()).containsExactly(UNKNOWN_DICT, UNKNOWN);
        MessageCodec knowsNothing = new MessageCodec(KindModels.NONE, 1 << 20);
        UnknownKindReq all = (UnknownKindReq) knowsNothing.decode(newer.encode(toResource(store))).body();
        assertThat(all.unknownKinds()).containsExactly(UNKNOWN_DICT, SampleMessages.SINGLE_KIND.id(), UNKNOWN);
    }

    @Example
    void aForwardedUnknownKindReqReachesAPeerThatKnowsTheKind() throws DecodeException {
        StoreReq store = new StoreReq(AOR, 0, List.of(new StoreKindData(UNKNOWN, 0, List.of(HELLO))));
        Message received = codec.decode(newer.encode(toResource(store)));
        ForwardingHeader h = received.header();
        ForwardingHeader hop = h.withTtl(h.ttl() - 1).withLists(List.of(new Destination.Node(C)), h.destinationList());
        Message forwarded = new Message(hop, received.body(), received.extensions());
        assertThat(newer.decode(codec.encode(forwarded)).body()).isEqualTo(store);
    }

    @Example
    void otherMalformationsOfARequestWithAnUnknownKindStayTypedErrors() {
        StoreReq store = new StoreReq(AOR, 0, List.of(
            new StoreKindData(SampleMessages.SINGLE_KIND.id(), 3, List.of(HELLO)),
            new StoreKindData(UNKNOWN, 0, List.of(HELLO))));
        byte[] sent = newer.encode(toResource(store));
        byte[] body = EncodedMessages.body(sent);
        for (int n = 0; n < body.length; n++) {
            assertThat(rejection(EncodedMessages.withBody(sent, Arrays.copyOf(body, n)), "store cut to " + n))
                .isInstanceOf(MalformedMessageException.class);
        }
        // the known kind's DataValue exists flag (after resource, replica, kind_data length, kind,
        // generation, values length, StoredData length, storage_time, lifetime)
        byte[] badBool = body.clone();
        int exists = 17 + 1 + 4 + 4 + 8 + 4 + 4 + 8 + 4;
        assertThat(badBool[exists]).isEqualTo((byte) 1);
        badBool[exists] = 2;
        assertThat(rejection(EncodedMessages.withBody(sent, badBool), "bad Boolean"))
            .isInstanceOf(MalformedMessageException.class).hasMessageContaining("exists");
    }

    @Example
    void theFramingOfAnUnknownKindsValuesIsStillChecked() {
        // kind_data: one unknown kind whose values hold a StoredData claiming 9 bytes but carrying 1
        String kindData = vec4(String.format("%08x", UNKNOWN), "0000000000000000", vec4("00000009", "00"));
        byte[] sent = newer.encode(toResource(new StoreReq(AOR, 0, List.of())));
        byte[] body = hex("10", hex(AOR), "00", kindData);
        assertThat(rejection(EncodedMessages.withBody(sent, body), "overrunning StoredData"))
            .isInstanceOf(MalformedMessageException.class).hasMessageContaining("StoredData");
    }

    @Example
    void fetchAnswersWithAnUnknownKindStillFail() {
        FetchAns ans = new FetchAns(List.of(new FetchKindResponse(UNKNOWN, 1, List.of(HELLO))));
        byte[] b = newer.encode(new Message(SampleMessages.response(TID), ans, List.of()));
        assertThat(rejection(b, "FetchAns of an unknown kind")).isInstanceOfSatisfying(UnknownKindException.class,
            e -> assertThat(e.kindId()).isEqualTo(UNKNOWN));
    }
}
