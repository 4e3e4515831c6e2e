package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;

/**
 * The registrar's atomic procedures run directly on a registration slot held in memory: what each
 * writes (and only that), and what it replies.
 */
class RegistrarProceduresTest {

    private static final long NOW = 1_800_000_000_000L;
    private static final Aor AOR = Aor.parse("sip:alice@example.com");
    private static final String PASSWORD = "Circle Of Life";
    private static final String CONTACT = "sip:alice@192.0.2.7:5060";
    private static final String NONCE = "AAABjxyz-_0123456789abcdefghijklmnopqrstuvw";
    private static final long NONCE_EXPIRES = NOW + 300_000;
    private static final Map<String, SlotProcedure> PROCEDURES =
        new RegistrarProcedures(RegistrarPolicy.defaults()).all();

    /** The slot's dictionary as the storage layer keeps it: key to live value; a deletion removes the entry. */
    private static final class Slot {
        private final Map<String, StoredValue> entries = new LinkedHashMap<>();

        List<StoredValue> values() {
            return new ArrayList<>(entries.values());
        }

        void apply(SlotProcedure.Outcome outcome, long now) {
            for (StoredValue w : outcome.writes()) {
                String key = key(w.key());
                if (w.exists()) {
                    entries.put(key, new StoredValue(now, w.lifetime(), w.index(), w.key(), true, w.value()));
                } else {
                    entries.remove(key);
                }
            }
        }

        SlotProcedure.Outcome run(String procedure, byte[] argument, long now) {
            SlotProcedure.Outcome o = PROCEDURES.get(procedure).apply(values(), argument, now);
            apply(o, now);
            return o;
        }

        List<Binding> bindings() {
            return Registration.bindings(values());
        }

        AuthRecord credentials() {
            StoredValue v = entries.get(key(Registration.CREDENTIALS_KEY));
            return v == null ? null : RegistrarCodec.decodeAuth(v.value());
        }
    }

    private static String key(byte[] key) {
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    private static String key(StoredValue v) {
        return key(v.key());
    }

    private static final String CREDENTIALS = key(Registration.CREDENTIALS_KEY);

    // ---------------------------------------------------------------- building calls

    private static ContactSpec contact(String uri, int expires) {
        return new ContactSpec(uri, OptionalInt.of(expires), 1000, null, 0);
    }

    private static RegisterRequest request(String callId, long cseq, ContactSpec... contacts) {
        return new RegisterRequest(callId, cseq, OptionalInt.empty(), false, List.of(contacts), List.of(), null);
    }

    private static byte[] call(RegisterRequest r) {
        return RegistrarCodec.encode(new RegisterCall(r, false, null, 0));
    }

    private static byte[] call(RegisterRequest r, DigestResponse d) {
        return RegistrarCodec.encode(new RegisterCall(r, true, d, NONCE_EXPIRES));
    }

    /** An Authorization computed from the password as RFC 2617 §3.2.2.1 says, qop=auth. */
    private static DigestResponse digest(DigestAlgorithm a, String password, String nc) {
        String ha1 = a.hash(AOR.user() + ":" + AOR.host() + ":" + password);
        String ha2 = a.hash("REGISTER:sip:example.com");
        String response = a.hash(ha1 + ":" + NONCE + ":" + nc + ":8f2c:auth:" + ha2);
        return new DigestResponse(AOR.user(), AOR.host(), NONCE, "sip:example.com", response, a, "8f2c", nc, "auth",
            "REGISTER");
    }

    private static RegisterReply reply(SlotProcedure.Outcome o) {
        return RegistrarCodec.decodeReply(o.reply());
    }

    private static byte[] credentials() {
        return RegistrarCodec.encode(AuthRecord.forPassword(AOR, PASSWORD));
    }

    private Slot slot;

    @BeforeEach
    void emptySlot() {
        slot = new Slot();
    }

    /** Registers {@link #CONTACT} for an hour with Call-ID "c1", CSeq 1, without authentication. */
    private void registered() {
        RegisterReply r = reply(slot.run(RegistrarProcedures.REGISTER, call(request("c1", 1, contact(CONTACT, 3600))),
            NOW));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void everyProcedureIsThere() {
        assertThat(PROCEDURES).containsOnlyKeys(RegistrarProcedures.REGISTER, RegistrarProcedures.SET_CREDENTIALS,
            RegistrarProcedures.REMOVE_CREDENTIALS, RegistrarProcedures.REMOVE_BINDINGS);
    }

    @Nested
    class RegisterWithoutAuthentication {

        @Test
        void aNewContactIsStoredUnderItsBindingKeyWithItsExpiryAsLifetime() {
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c1", 1, contact(CONTACT, 3600))), NOW);

            assertThat(o.writes()).hasSize(1);
            StoredValue w = o.writes().get(0);
            assertThat(key(w)).isEqualTo(CONTACT);
            assertThat(w.exists()).isTrue();
            assertThat(w.lifetime()).isEqualTo(3600);
            Binding b = BindingCodec.decode(w.value());
            assertThat(b.contact()).isEqualTo(CONTACT);
            assertThat(b.expiresAt()).isEqualTo(NOW + 3_600_000);
            assertThat(b.callId()).isEqualTo("c1");

            RegisterReply r = reply(o);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bindings()).containsExactly(b);
            assertThat(r.staleNonce()).isFalse();
        }

        @Test
        void anInstanceAndRegIdAreTheKey() {
            ContactSpec outbound = new ContactSpec(CONTACT, OptionalInt.of(600), 1000,
                "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>", 1);
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER, call(request("c1", 1, outbound)), NOW);
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key)
                .containsExactly("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>;reg-id=1");
        }

        @Test
        void aRefreshRewritesTheEntryWithTheNewExpiry() {
            registered();
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c1", 2, contact(CONTACT, 120))), NOW + 10_000);

            assertThat(o.writes()).hasSize(1);
            StoredValue w = o.writes().get(0);
            assertThat(key(w)).isEqualTo(CONTACT);
            assertThat(w.lifetime()).isEqualTo(120);
            assertThat(BindingCodec.decode(w.value()).cseq()).isEqualTo(2);
            assertThat(slot.bindings()).singleElement()
                .satisfies(b -> assertThat(b.expiresAt()).isEqualTo(NOW + 10_000 + 120_000));
        }

        @Test
        void expiresZeroWritesATombstone() {
            registered();
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c1", 2, contact(CONTACT, 0))), NOW + 10_000);

            assertThat(o.writes()).singleElement().satisfies(w -> {
                assertThat(key(w)).isEqualTo(CONTACT);
                assertThat(w.exists()).isFalse();
                assertThat(w.lifetime()).isPositive();
            });
            assertThat(reply(o).status()).isEqualTo(200);
            assertThat(reply(o).bindings()).isEmpty();
            assertThat(slot.values()).isEmpty();
        }

        @Test
        void aQueryWritesNothingAndListsTheBindings() {
            registered();
            List<Binding> before = slot.bindings();
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER, call(request("q", 1)), NOW + 1_000);
            assertThat(o.writes()).isEmpty();
            assertThat(reply(o).status()).isEqualTo(200);
            assertThat(reply(o).bindings()).isEqualTo(before);
        }

        @Test
        void anIntervalTooBriefIs423WithMinExpiresAndWritesNothing() {
            registered();
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c2", 1, contact("sip:alice@10.0.0.1", 30))), NOW);
            assertThat(o.writes()).isEmpty();
            RegisterReply r = reply(o);
            assertThat(r.status()).isEqualTo(423);
            assertThat(r.minExpires()).hasValue(RegistrarPolicy.defaults().minExpires());
            assertThat(r.bindings()).isEmpty();
        }

        @Test
        void anOlderCSeqOfTheSameCallIdIsRefusedAndWritesNothing() {
            slot.run(RegistrarProcedures.REGISTER, call(request("c1", 5, contact(CONTACT, 3600))), NOW);
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c1", 4, contact(CONTACT, 0))), NOW);
            assertThat(o.writes()).isEmpty();
            assertThat(reply(o).status()).isEqualTo(RegisterRules.STALE);
        }

        @Test
        void aBindingThatExpiredInTheSlotIsDeletedWhenTheNextRegisterChangesIt() {
            registered();
            long later = NOW + 3_600_000;
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c2", 1, contact("sip:alice@10.0.0.1", 600))), later);
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key, StoredValue::exists)
                .containsExactlyInAnyOrder(tuple("sip:alice@10.0.0.1", true),
                    tuple(CONTACT, false));
            assertThat(reply(o).bindings()).extracting(Binding::contact).containsExactly("sip:alice@10.0.0.1");
        }
    }

    @Nested
    class RegisterWithAuthentication {

        @BeforeEach
        void provisioned() {
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.SET_CREDENTIALS, credentials(), NOW);
            assertThat(o.writes()).singleElement().satisfies(w -> assertThat(key(w)).isEqualTo(CREDENTIALS));
        }

        private SlotProcedure.Outcome register(String callId, long cseq, DigestResponse d, long now) {
            return slot.run(RegistrarProcedures.REGISTER, call(request(callId, cseq, contact(CONTACT, 3600)), d), now);
        }

        @Test
        void withoutCredentialsInTheSlotItIs401AndNothingIsWritten() {
            Slot empty = new Slot();
            SlotProcedure.Outcome o = empty.run(RegistrarProcedures.REGISTER,
                call(request("c1", 1, contact(CONTACT, 3600)), digest(DigestAlgorithm.MD5, PASSWORD, "00000001")), NOW);
            assertThat(o.writes()).isEmpty();
            assertThat(reply(o).status()).isEqualTo(401);
            assertThat(reply(o).staleNonce()).isFalse();
        }

        @ParameterizedTest
        @EnumSource(DigestAlgorithm.class)
        void theRightDigestRegistersAndRecordsTheNonceUse(DigestAlgorithm a) {
            SlotProcedure.Outcome o = register("c1", 1, digest(a, PASSWORD, "00000001"), NOW);

            assertThat(reply(o).status()).isEqualTo(200);
            assertThat(reply(o).bindings()).extracting(Binding::contact).containsExactly(CONTACT);
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key).containsExactlyInAnyOrder(CREDENTIALS,
                CONTACT);
            StoredValue creds = o.writes().stream().filter(w -> key(w).equals(CREDENTIALS)).findFirst().orElseThrow();
            assertThat(creds.exists()).isTrue();
            assertThat(creds.lifetime()).isEqualTo(Registration.CREDENTIALS_LIFETIME);
            AuthRecord stored = RegistrarCodec.decodeAuth(creds.value());
            assertThat(stored.ha1()).isEqualTo(AuthRecord.forPassword(AOR, PASSWORD).ha1());
            assertThat(stored.nonces()).containsExactly(new AuthRecord.NonceUse(NONCE, NONCE_EXPIRES, 1, "c1", 1));
        }

        @Test
        void theSameAuthorizationWithANewCSeqIs401StaleNonceAndWritesNothing() {
            register("c1", 1, digest(DigestAlgorithm.SHA_256, PASSWORD, "00000001"), NOW);
            SlotProcedure.Outcome o = register("c1", 2, digest(DigestAlgorithm.SHA_256, PASSWORD, "00000001"),
                NOW + 1_000);
            assertThat(o.writes()).isEmpty();
            assertThat(reply(o).status()).isEqualTo(401);
            assertThat(reply(o).staleNonce()).isTrue();
        }

        @Test
        void theSameAuthorizationFromAnotherCallIdIs401StaleNonce() {
            register("c1", 1, digest(DigestAlgorithm.SHA_256, PASSWORD, "00000001"), NOW);
            SlotProcedure.Outcome o = register("elsewhere", 1, digest(DigestAlgorithm.SHA_256, PASSWORD, "00000001"),
                NOW + 1_000);
            assertThat(o.writes()).isEmpty();
            assertThat(reply(o).staleNonce()).isTrue();
        }

        @Test
        void anExactRetransmissionIs200AgainAndWritesNothing() {
            SlotProcedure.Outcome first = register("c1", 1, digest(DigestAlgorithm.MD5, PASSWORD, "00000001"), NOW);
            SlotProcedure.Outcome again = register("c1", 1, digest(DigestAlgorithm.MD5, PASSWORD, "00000001"),
                NOW + 500);
            assertThat(again.writes()).isEmpty();
            assertThat(reply(again).status()).isEqualTo(200);
            assertThat(reply(again).bindings()).isEqualTo(reply(first).bindings());
        }

        @Test
        void theNextNonceCountRefreshesAndRecordsTheHigherCount() {
            register("c1", 1, digest(DigestAlgorithm.MD5, PASSWORD, "00000001"), NOW);
            SlotProcedure.Outcome o = register("c1", 2, digest(DigestAlgorithm.MD5, PASSWORD, "00000002"), NOW + 1_000);
            assertThat(reply(o).status()).isEqualTo(200);
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key).containsExactlyInAnyOrder(CREDENTIALS,
                CONTACT);
            assertThat(slot.credentials().nonces()).extracting(AuthRecord.NonceUse::nc).containsExactly(2L);
        }

        @ParameterizedTest
        @EnumSource(DigestAlgorithm.class)
        void aWrongPasswordIs401AndWritesNothing(DigestAlgorithm a) {
            SlotProcedure.Outcome o = register("c1", 1, digest(a, "Circle of Life", "00000001"), NOW);
            assertThat(o.writes()).isEmpty();
            assertThat(reply(o).status()).isEqualTo(401);
            assertThat(reply(o).staleNonce()).isFalse();
            assertThat(slot.bindings()).isEmpty();
        }

        @Test
        void aRefusedRegisterWithTheRightDigestStillUsesUpItsNonceCount() {
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER, call(request("c1", 1,
                contact(CONTACT, 30)), digest(DigestAlgorithm.MD5, PASSWORD, "00000001")), NOW);
            assertThat(reply(o).status()).isEqualTo(423);
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key).containsExactly(CREDENTIALS);
            SlotProcedure.Outcome replay = register("c2", 1, digest(DigestAlgorithm.MD5, PASSWORD, "00000001"), NOW);
            assertThat(replay.writes()).isEmpty();
            assertThat(reply(replay).staleNonce()).isTrue();
        }

        @Test
        void withoutAuthRequiredTheCredentialsAreNotConsulted() {
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REGISTER,
                call(request("c1", 1, contact(CONTACT, 3600))), NOW);
            assertThat(reply(o).status()).isEqualTo(200);
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key).containsExactly(CONTACT);
        }
    }

    @Nested
    class Credentials {

        @Test
        void setCredentialsWritesOnlyTheCredentialsEntryAndKeepsTheBindings() {
            registered();
            List<Binding> before = slot.bindings();
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.SET_CREDENTIALS, credentials(), NOW + 1_000);
            assertThat(o.writes()).singleElement().satisfies(w -> {
                assertThat(key(w)).isEqualTo(CREDENTIALS);
                assertThat(w.exists()).isTrue();
                assertThat(w.lifetime()).isEqualTo(Registration.CREDENTIALS_LIFETIME);
            });
            assertThat(o.reply()).isEmpty();
            assertThat(slot.bindings()).isEqualTo(before);
            assertThat(slot.credentials().ha1()).isEqualTo(AuthRecord.forPassword(AOR, PASSWORD).ha1());
        }

        @Test
        void setCredentialsForgetsTheNonceUsesItIsGiven() {
            AuthRecord withUses = new AuthRecord(AuthRecord.forPassword(AOR, PASSWORD).ha1(),
                List.of(new AuthRecord.NonceUse("n", NONCE_EXPIRES, 3, "c", 1)));
            slot.run(RegistrarProcedures.SET_CREDENTIALS, RegistrarCodec.encode(withUses), NOW);
            assertThat(slot.credentials().nonces()).isEmpty();
        }

        @Test
        void aNewPasswordReplacesTheOldOne() {
            slot.run(RegistrarProcedures.SET_CREDENTIALS, credentials(), NOW);
            slot.run(RegistrarProcedures.SET_CREDENTIALS,
                RegistrarCodec.encode(AuthRecord.forPassword(AOR, "new password")), NOW);
            SlotProcedure.Outcome old = slot.run(RegistrarProcedures.REGISTER,
                call(request("c1", 1, contact(CONTACT, 3600)), digest(DigestAlgorithm.MD5, PASSWORD, "00000001")), NOW);
            assertThat(reply(old).status()).isEqualTo(401);
        }

        @Test
        void removeCredentialsDeletesOnlyTheCredentialsEntry() {
            registered();
            slot.run(RegistrarProcedures.SET_CREDENTIALS, credentials(), NOW);
            List<Binding> before = slot.bindings();

            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REMOVE_CREDENTIALS, new byte[0], NOW);
            assertThat(o.writes()).singleElement().satisfies(w -> {
                assertThat(key(w)).isEqualTo(CREDENTIALS);
                assertThat(w.exists()).isFalse();
            });
            assertThat(o.reply()).containsExactly(1);
            assertThat(slot.credentials()).isNull();
            assertThat(slot.bindings()).isEqualTo(before);
        }

        @Test
        void removingAbsentCredentialsWritesNothingAndRepliesZero() {
            registered();
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REMOVE_CREDENTIALS, new byte[0], NOW);
            assertThat(o.writes()).isEmpty();
            assertThat(o.reply()).containsExactly(0);
        }
    }

    @Nested
    class RemoveBindings {

        @Test
        void everyBindingIsTombstonedTheCountRepliedAndTheCredentialsKept() {
            slot.run(RegistrarProcedures.REGISTER, call(request("c1", 1, contact(CONTACT, 3600),
                contact("sip:alice@10.0.0.1", 600), contact("sip:alice@10.0.0.2", 60))), NOW);
            slot.run(RegistrarProcedures.SET_CREDENTIALS, credentials(), NOW);
            AuthRecord creds = slot.credentials();

            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REMOVE_BINDINGS, new byte[0], NOW + 1_000);

            assertThat(o.writes()).hasSize(3).allSatisfy(w -> assertThat(w.exists()).isFalse());
            assertThat(o.writes()).extracting(RegistrarProceduresTest::key)
                .containsExactlyInAnyOrder(CONTACT, "sip:alice@10.0.0.1", "sip:alice@10.0.0.2");
            assertThat(o.reply()).containsExactly(0, 0, 0, 3);
            assertThat(ByteBuffer.wrap(o.reply()).getInt()).isEqualTo(3);
            assertThat(slot.bindings()).isEmpty();
            assertThat(slot.credentials()).isEqualTo(creds);
        }

        @Test
        void anEmptySlotRepliesZeroAndWritesNothing() {
            SlotProcedure.Outcome o = slot.run(RegistrarProcedures.REMOVE_BINDINGS, new byte[0], NOW);
            assertThat(o.writes()).isEmpty();
            assertThat(o.reply()).containsExactly(0, 0, 0, 0);
        }
    }

    @Nested
    class ReadingTheSlot {

        @Test
        void bindingsSkipTheCredentialsEntryMalformedEntriesAndDeletions() {
            registered();
            slot.run(RegistrarProcedures.SET_CREDENTIALS, credentials(), NOW);
            Binding good = slot.bindings().get(0);
            List<StoredValue> values = new ArrayList<>(slot.values());
            values.add(new StoredValue(NOW, 60, 0, "sip:garbage@h".getBytes(StandardCharsets.UTF_8), true,
                new byte[] {1, 2, 3}));
            values.add(new StoredValue(NOW, 60, 0, "sip:future@h".getBytes(StandardCharsets.UTF_8), true,
                new byte[] {9}));
            values.add(new StoredValue(NOW, 60, 0, "sip:gone@h".getBytes(StandardCharsets.UTF_8), false,
                BindingCodec.encode(new Binding("sip:gone@h", 1000, NOW + 60_000, "x", 1, List.of(), null, 0, null))));

            assertThat(Registration.bindings(values)).containsExactly(good);
        }

        @Test
        void aMalformedCredentialsEntryCountsAsNoCredentials() {
            Slot broken = new Slot();
            broken.apply(new SlotProcedure.Outcome(List.of(new StoredValue(0, 60, 0, Registration.CREDENTIALS_KEY,
                true, new byte[] {1, 0})), new byte[0]), NOW);
            SlotProcedure.Outcome o = broken.run(RegistrarProcedures.REGISTER,
                call(request("c1", 1, contact(CONTACT, 3600)), digest(DigestAlgorithm.MD5, PASSWORD, "00000001")), NOW);
            assertThat(reply(o).status()).isEqualTo(401);
            assertThat(o.writes()).isEmpty();
        }

        @Test
        void theSlotKindIsADictionaryWithRoomForTheCredentials() {
            assertThat(Registration.KIND.model()).isEqualTo(DataModel.DICTIONARY);
            assertThat(Registration.maxEntries(RegistrarPolicy.defaults()))
                .isEqualTo(RegistrarPolicy.defaults().maxContacts() + 1);
        }
    }
}
