package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The register call, its reply and the credentials entry survive their trip through bytes; anything
 * but exactly one value of format 1 is refused, never half-read.
 */
class RegistrarCodecTest {

    private static final Flow FLOW = new Flow("tls", "192.0.2.7", 40000, "c0ffee");
    private static final Binding BINDING = new Binding("sip:alice@192.0.2.7:40000;transport=tls", 700,
        1_800_000_003_600_000L, "a84b4c76e66710@pc33.example", 314_159, List.of("<sip:edge.example;lr>"),
        "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1, FLOW);
    private static final Binding BARE = new Binding("sip:bob@198.51.100.1", 1000, 1_800_000_000_000L, "x", 1,
        List.of(), null, 0, null);
    private static final DigestResponse DIGEST = new DigestResponse("alice", "example.com",
        "AAABjxyz-_0123456789abcdefghijklmnopqrstuvw", "sip:example.com", "0123456789abcdef0123456789abcdef",
        DigestAlgorithm.SHA_256, "0a4f113b", "00000001", "auth", "REGISTER");
    private static final DigestResponse DIGEST_WITHOUT_QOP = new DigestResponse("alice", "example.com", "n",
        "sip:example.com", "0123456789abcdef0123456789abcdef", DigestAlgorithm.MD5, null, null, null, "REGISTER");

    private static RegisterRequest request(List<ContactSpec> contacts, List<String> path, Flow flow) {
        return new RegisterRequest("a84b4c76e66710@pc33.example", 314_159, OptionalInt.of(3600), false, contacts,
            path, flow);
    }

    private static final List<ContactSpec> CONTACTS = List.of(
        new ContactSpec("sip:alice@192.0.2.7:40000", OptionalInt.of(120), 700,
            "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1),
        new ContactSpec("sip:alice@10.0.0.1", OptionalInt.empty(), 1000, null, 0),
        new ContactSpec("sip:alice@10.0.0.2", OptionalInt.of(0), 0, null, 0));

    private static final RegisterCall FULL_CALL = new RegisterCall(
        request(CONTACTS, List.of("<sip:p1.example;lr>", "<sip:p2.example;lr>"), FLOW), true, DIGEST,
        1_800_000_300_000L);

    private static final AuthRecord AUTH = new AuthRecord(
        AuthRecord.forPassword(Aor.parse("sip:alice@example.com"), "pw").ha1(),
        List.of(new AuthRecord.NonceUse("n1", 1_800_000_300_000L, 1, "c1", 1),
            new AuthRecord.NonceUse("n2", 1_800_000_400_000L, 0xffffffffL, "c2", Long.MAX_VALUE)));

    private static final RegisterReply FULL_REPLY = new RegisterReply(200, "OK", OptionalInt.empty(),
        List.of(BINDING, BARE), false);

    static Stream<Arguments> calls() {
        return Stream.of(
            Arguments.of("full, with digest", FULL_CALL),
            Arguments.of("without digest or auth",
                new RegisterCall(request(CONTACTS, List.of(), FLOW), false, null, 0)),
            Arguments.of("digest without auth required", new RegisterCall(request(CONTACTS, List.of(), null), false,
                DIGEST, 5)),
            Arguments.of("qop-less digest", new RegisterCall(request(CONTACTS, List.of(), FLOW), true,
                DIGEST_WITHOUT_QOP, 7)),
            Arguments.of("query without flow", new RegisterCall(new RegisterRequest("q", 1, OptionalInt.empty(), false,
                List.of(), List.of(), null), false, null, 0)),
            Arguments.of("wildcard", new RegisterCall(new RegisterRequest("w", 2, OptionalInt.of(0), true, List.of(),
                List.of(), FLOW), false, null, 0)));
    }

    static Stream<Arguments> replies() {
        return Stream.of(
            Arguments.of("200 with bindings", FULL_REPLY),
            Arguments.of("200 without bindings", new RegisterReply(200, "OK", OptionalInt.empty(), List.of(), false)),
            Arguments.of("423 with Min-Expires", new RegisterReply(423, "Interval Too Brief", OptionalInt.of(60),
                List.of(), false)),
            Arguments.of("401 stale nonce", new RegisterReply(401, "Unauthorized", OptionalInt.empty(), List.of(),
                true)),
            Arguments.of("unicode reason", new RegisterReply(500, "CSeq not above 3 — réessayez", OptionalInt.empty(),
                List.of(), false)));
    }

    private static Function<byte[], Object> decoder(Function<byte[], ?> decode) {
        return decode::apply;
    }

    static Stream<Arguments> encodings() {
        RegisterCall withoutDigest = new RegisterCall(request(CONTACTS, List.of(), null), false, null, 0);
        return Stream.of(
            Arguments.of("register call", RegistrarCodec.encode(FULL_CALL), decoder(RegistrarCodec::decodeCall)),
            Arguments.of("register call without digest", RegistrarCodec.encode(withoutDigest),
                decoder(RegistrarCodec::decodeCall)),
            Arguments.of("register reply", RegistrarCodec.encode(FULL_REPLY), decoder(RegistrarCodec::decodeReply)),
            Arguments.of("credentials", RegistrarCodec.encode(AUTH), decoder(RegistrarCodec::decodeAuth)));
    }

    @Property(tries = 200)
    void everyRegisterCallRoundTrips(@ForAll("anyCall") RegisterCall call) {
        assertThat(RegistrarCodec.decodeCall(RegistrarCodec.encode(call))).isEqualTo(call);
    }

    @Provide
    Arbitrary<RegisterCall> anyCall() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(30);
        Arbitrary<OptionalInt> optInt = Arbitraries.integers().between(0, Integer.MAX_VALUE)
            .map(OptionalInt::of).injectNull(0.3).map(o -> o == null ? OptionalInt.empty() : o);
        Arbitrary<ContactSpec> contact = Combinators.combine(text, optInt, Arbitraries.integers().between(0, 1000),
            text.injectNull(0.5), Arbitraries.integers().greaterOrEqual(0)).as(ContactSpec::new);
        Arbitrary<Flow> flow = Combinators.combine(Arbitraries.of("udp", "tcp", "tls"), text,
            Arbitraries.integers().between(1, 65_535), text).as(Flow::new).injectNull(0.3);
        Arbitrary<RegisterRequest> request = Combinators.combine(text, Arbitraries.longs(), optInt,
            Arbitraries.of(true, false), contact.list().ofMaxSize(4), text.list().ofMaxSize(3), flow)
            .as(RegisterRequest::new);
        Arbitrary<DigestResponse> digest = Combinators.combine(text, text, text, text, text,
            Arbitraries.of(DigestAlgorithm.class), text, text).as((u, r, n, uri, resp, a, cn, nc) ->
            new DigestResponse(u, r, n, uri, resp, a, cn, nc, "auth", "REGISTER")).injectNull(0.3);
        return Combinators.combine(request, digest, Arbitraries.longs())
            .as((r, d, exp) -> new RegisterCall(r, d != null, d, d == null ? 0 : exp));
    }

    private static void assertMalformed(byte[] bytes, Function<byte[], Object> decode, String description) {
        assertThatThrownBy(() -> decode.apply(bytes)).as(description)
            .isInstanceOf(BindingCodec.MalformedBindingException.class);
    }

    @Nested
    class RoundTrips {

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.sipring.peer.sip.RegistrarCodecTest#calls")
        void aRegisterCallRoundTrips(String what, RegisterCall call) {
            assertThat(RegistrarCodec.decodeCall(RegistrarCodec.encode(call))).isEqualTo(call);
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.sipring.peer.sip.RegistrarCodecTest#replies")
        void aRegisterReplyRoundTrips(String what, RegisterReply reply) {
            assertThat(RegistrarCodec.decodeReply(RegistrarCodec.encode(reply))).isEqualTo(reply);
        }

        @Test
        void theBindingsOfAReplyKeepTheirOrderAndEveryField() {
            RegisterReply back = RegistrarCodec.decodeReply(RegistrarCodec.encode(FULL_REPLY));
            assertThat(back.bindings()).containsExactly(BINDING, BARE);
            assertThat(back.bindings().get(0).flow()).isEqualTo(FLOW);
            assertThat(back.bindings().get(1).flow()).isNull();
        }

        @Test
        void credentialsRoundTrip() {
            assertThat(RegistrarCodec.decodeAuth(RegistrarCodec.encode(AUTH))).isEqualTo(AUTH);
        }

        @Test
        void credentialsWithOneAlgorithmAndNoNoncesRoundTrip() {
            AuthRecord md5 = new AuthRecord(Map.of(DigestAlgorithm.MD5, "939e7578ed9e3c518a452acee763bce9"), List.of());
            assertThat(RegistrarCodec.decodeAuth(RegistrarCodec.encode(md5))).isEqualTo(md5);
        }

        @Test
        void theDecodedCallKeepsTheContactsInOrderWithTheirExpiresAndInstance() {
            RegisterCall back = RegistrarCodec.decodeCall(RegistrarCodec.encode(FULL_CALL));
            assertThat(back.request().contacts()).extracting(ContactSpec::expires)
                .containsExactly(OptionalInt.of(120), OptionalInt.empty(), OptionalInt.of(0));
            assertThat(back.request().contacts()).extracting(ContactSpec::instanceId)
                .containsExactly("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", null, null);
            assertThat(back.request().path()).containsExactly("<sip:p1.example;lr>", "<sip:p2.example;lr>");
            assertThat(back.digest()).isEqualTo(DIGEST);
            assertThat(back.nonceExpiresAt()).isEqualTo(1_800_000_300_000L);
        }
    }

    @Nested
    class Refusals {

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.sipring.peer.sip.RegistrarCodecTest#encodings")
        void everyTruncationIsRefused(String what, byte[] whole, Function<byte[], Object> decode) {
            for (int n = 0; n < whole.length; n++) {
                assertMalformed(Arrays.copyOf(whole, n), decode, String.format("%s: first %d of %d bytes", what, n,
                    whole.length));
            }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.sipring.peer.sip.RegistrarCodecTest#encodings")
        void trailingBytesAreRefused(String what, byte[] whole, Function<byte[], Object> decode) {
            assertThatThrownBy(() -> decode.apply(Arrays.copyOf(whole, whole.length + 1)))
                .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("1 bytes after");
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("org.sipring.peer.sip.RegistrarCodecTest#encodings")
        void anUnknownFormatByteIsRefused(String what, byte[] whole, Function<byte[], Object> decode) {
            for (int format : new int[] {0, 2, 0xff}) {
                byte[] other = whole.clone();
                other[0] = (byte) format;
                assertThatThrownBy(() -> decode.apply(other)).as("format %d", format)
                    .isInstanceOf(BindingCodec.MalformedBindingException.class)
                    .hasMessageContaining("format " + format);
            }
        }

        @Test
        void anUnknownAlgorithmInTheCredentialsIsRefused() {
            byte[] md5 = RegistrarCodec.encode(new AuthRecord(Map.of(DigestAlgorithm.MD5, "h"), List.of()));
            // format (1), count (2), token "MD5" (length 2, then M D 5): turn it into "MD6"
            assertThat(md5[7]).isEqualTo((byte) '5');
            md5[7] = '6';
            assertThatThrownBy(() -> RegistrarCodec.decodeAuth(md5))
                .isInstanceOf(BindingCodec.MalformedBindingException.class)
                .hasMessageContaining("unknown algorithm MD6");
        }

        @Test
        void anUnknownAlgorithmInTheDigestIsRefused() {
            RegisterCall call = new RegisterCall(new RegisterRequest("c", 1, OptionalInt.empty(), false, List.of(),
                List.of(), null), true, DIGEST_WITHOUT_QOP, 1);
            byte[] bytes = RegistrarCodec.encode(call);
            int at = indexOf(bytes, new byte[] {0, 3, 'M', 'D', '5'});
            bytes[at + 4] = '6';
            assertThatThrownBy(() -> RegistrarCodec.decodeCall(bytes))
                .isInstanceOf(BindingCodec.MalformedBindingException.class)
                .hasMessageContaining("unknown algorithm MD6");
        }

        @Test
        void authRequiredWithoutADigestIsRefusedAsAnInvalidField() {
            byte[] bytes = RegistrarCodec.encode(new RegisterCall(request(List.of(), List.of(), null), false, null, 0));
            // the last two bytes are the auth-required flag and the digest presence flag
            assertThat(bytes[bytes.length - 2]).isZero();
            bytes[bytes.length - 2] = 1;
            assertThatThrownBy(() -> RegistrarCodec.decodeCall(bytes))
                .isInstanceOf(BindingCodec.MalformedBindingException.class)
                .hasMessageContaining("invalid register call");
        }

        @Test
        void aPresenceFlagOtherThanZeroOrOneIsRefused() {
            byte[] bytes = RegistrarCodec.encode(new RegisterCall(request(List.of(), List.of(), null), false, null, 0));
            bytes[bytes.length - 1] = 2;
            assertThatThrownBy(() -> RegistrarCodec.decodeCall(bytes))
                .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("presence flag 2");
        }

        @Test
        void aContactQOutOfRangeIsRefused() {
            ContactSpec c = new ContactSpec("sip:a@h", OptionalInt.empty(), 1000, null, 0);
            RegisterCall call = new RegisterCall(request(List.of(c), List.of(), null), false, null, 0);
            byte[] bytes = RegistrarCodec.encode(call);
            int q = indexOf(bytes, new byte[] {0, 7, 's', 'i', 'p', ':', 'a', '@', 'h'}) + 9 + 1;
            assertThat(bytes[q]).isEqualTo((byte) 0x03);
            assertThat(bytes[q + 1]).isEqualTo((byte) 0xe8);
            bytes[q] = 0x7f;
            assertThatThrownBy(() -> RegistrarCodec.decodeCall(bytes))
                .isInstanceOf(BindingCodec.MalformedBindingException.class).hasMessageContaining("q out of range");
        }

        @Test
        void aNegativeExpiresIsNotTurnedIntoAnAbsentOne() {
            ContactSpec negative = new ContactSpec("sip:a@h", OptionalInt.of(-5), 1000, null, 0);
            RegisterCall call = new RegisterCall(request(List.of(negative), List.of(), null), false, null, 0);
            byte[] bytes = RegistrarCodec.encode(call);
            RegisterCall back;
            try {
                back = RegistrarCodec.decodeCall(bytes);
            } catch (BindingCodec.MalformedBindingException refused) {
                return;
            }
            assertThat(back).isEqualTo(call);
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found: " + Arrays.toString(needle));
    }
}
