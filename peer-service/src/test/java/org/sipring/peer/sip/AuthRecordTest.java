package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The credentials entry: one HA1 per algorithm, and the nonce counts already used, so that a
 * replayed Authorization is refused (RFC 2617 §3.2.2) while a retransmission of the same request
 * still passes. Responses are computed here as RFC 2617 §3.2.2.1 says, not by the code under test.
 */
class AuthRecordTest {

    private static final Aor AOR = Aor.parse("sip:alice@Example.com:5070");
    private static final String PASSWORD = "correct horse battery staple";
    private static final String URI = "sip:example.com";
    private static final long NOW = 1_800_000_000_000L;
    private static final long NONCE_EXPIRES = NOW + 300_000;

    private static final AuthRecord RECORD = AuthRecord.forPassword(AOR, PASSWORD);

    /** A client's Authorization for REGISTER with qop=auth, computed from the password. */
    private static DigestResponse digest(DigestAlgorithm a, String password, String nonce, String nc) {
        String ha1 = a.hash("alice:example.com:" + password);
        String ha2 = a.hash("REGISTER:" + URI);
        String cnonce = "0a4f113b";
        String response = a.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
        return new DigestResponse("alice", "example.com", nonce, URI, response, a, cnonce, nc, "auth", "REGISTER");
    }

    private static DigestResponse digest(String nonce, String nc) {
        return digest(DigestAlgorithm.SHA_256, PASSWORD, nonce, nc);
    }

    /** The RFC 2069 form: no qop, cnonce or nc. */
    private static DigestResponse digestWithoutQop(String nonce) {
        DigestAlgorithm a = DigestAlgorithm.MD5;
        String ha1 = a.hash("alice:example.com:" + PASSWORD);
        String response = a.hash(ha1 + ":" + nonce + ":" + a.hash("REGISTER:" + URI));
        return new DigestResponse("alice", "example.com", nonce, URI, response, a, null, null, null, "REGISTER");
    }

    private static AuthRecord.Check check(AuthRecord r, DigestResponse d, String callId, long cseq, long now) {
        return r.check(d, NONCE_EXPIRES, callId, cseq, now);
    }

    /** The record after one accepted use of {@code nonce} with nc 1 by Call-ID "c1", CSeq 1. */
    private static AuthRecord usedOnce(String nonce) {
        AuthRecord.Check c = check(RECORD, digest(nonce, "00000001"), "c1", 1, NOW);
        assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
        return c.next();
    }

    private static AuthRecord.NonceUse use(String nonce, long expiresAt) {
        return new AuthRecord.NonceUse(nonce, expiresAt, 1, "old", 1);
    }

    @Nested
    class ForPassword {

        @Test
        void holdsTheHa1OfEveryAlgorithmForTheAorUserAndHostWithoutPort() {
            assertThat(RECORD.ha1()).containsOnlyKeys(DigestAlgorithm.MD5, DigestAlgorithm.SHA_256);
            assertThat(RECORD.ha1().get(DigestAlgorithm.MD5))
                .isEqualTo(DigestAlgorithm.MD5.hash("alice:example.com:" + PASSWORD));
            assertThat(RECORD.ha1().get(DigestAlgorithm.SHA_256))
                .isEqualTo(DigestAlgorithm.SHA_256.hash("alice:example.com:" + PASSWORD));
            assertThat(RECORD.nonces()).isEmpty();
        }

        @Test
        void neverHoldsThePassword() {
            assertThat(RECORD.ha1().values()).noneMatch(h -> h.contains(PASSWORD));
            assertThat(new String(RegistrarCodec.encode(RECORD), StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
        }

        @Test
        void theUserKeepsItsCaseInTheHa1() {
            AuthRecord upper = AuthRecord.forPassword(Aor.parse("sip:Alice@example.com"), PASSWORD);
            assertThat(upper.ha1().get(DigestAlgorithm.MD5))
                .isEqualTo(DigestAlgorithm.MD5.hash("Alice:example.com:" + PASSWORD))
                .isNotEqualTo(RECORD.ha1().get(DigestAlgorithm.MD5));
        }
    }

    @Nested
    class Accepted {

        @ParameterizedTest
        @EnumSource(DigestAlgorithm.class)
        void aCorrectResponseIsAcceptedAndItsNonceUseRecorded(DigestAlgorithm a) {
            AuthRecord.Check c = check(RECORD, digest(a, PASSWORD, "n1", "00000001"), "c1", 7, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(c.next().nonces()).containsExactly(new AuthRecord.NonceUse("n1", NONCE_EXPIRES, 1, "c1", 7));
            assertThat(c.next().ha1()).isEqualTo(RECORD.ha1());
        }

        @Test
        void anExactRetransmissionIsAcceptedWithoutChangingTheRecord() {
            AuthRecord used = usedOnce("n1");
            AuthRecord.Check again = check(used, digest("n1", "00000001"), "c1", 1, NOW + 500);
            assertThat(again.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(again.next()).isSameAs(used);
        }

        @Test
        void aHigherNonceCountIsAcceptedAndReplacesTheUse() {
            AuthRecord used = usedOnce("n1");
            AuthRecord.Check next = check(used, digest("n1", "00000002"), "c1", 2, NOW + 1_000);
            assertThat(next.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(next.next().nonces()).containsExactly(new AuthRecord.NonceUse("n1", NONCE_EXPIRES, 2, "c1", 2));
        }

        @Test
        void aHigherNonceCountFromAnotherCallIdIsAcceptedToo() {
            AuthRecord.Check c = check(usedOnce("n1"), digest("n1", "0000000a"), "c2", 1, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(c.next().nonces()).extracting(AuthRecord.NonceUse::nc).containsExactly(10L);
        }

        @Test
        void usesOfDifferentNoncesAreKeptSideBySide() {
            AuthRecord.Check c = check(usedOnce("n1"), digest("n2", "00000001"), "c2", 1, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(c.next().nonces()).extracting(AuthRecord.NonceUse::nonce).containsExactlyInAnyOrder("n1", "n2");
        }

        @Test
        void theQopLessFormIsAcceptedOnceWithCountZero() {
            AuthRecord.Check c = check(RECORD, digestWithoutQop("n1"), "c1", 1, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(c.next().nonces()).containsExactly(new AuthRecord.NonceUse("n1", NONCE_EXPIRES, 0, "c1", 1));
        }
    }

    @Nested
    class Wrong {

        @ParameterizedTest
        @EnumSource(DigestAlgorithm.class)
        void aWrongPasswordIsWrongAndChangesNothing(DigestAlgorithm a) {
            AuthRecord.Check c = check(RECORD, digest(a, "Correct horse battery staple", "n1", "00000001"), "c1", 1,
                NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.WRONG);
            assertThat(c.next()).isSameAs(RECORD);
        }

        @Test
        void anAlgorithmWithoutAnHa1IsWrongEvenWithTheRightPassword() {
            AuthRecord md5Only = new AuthRecord(Map.of(DigestAlgorithm.MD5, RECORD.ha1().get(DigestAlgorithm.MD5)),
                List.of());
            assertThat(check(md5Only, digest(DigestAlgorithm.SHA_256, PASSWORD, "n1", "00000001"), "c1", 1, NOW)
                .verdict()).isEqualTo(AuthRecord.Verdict.WRONG);
            assertThat(check(md5Only, digest(DigestAlgorithm.MD5, PASSWORD, "n1", "00000001"), "c1", 1, NOW)
                .verdict()).as("the algorithm it has").isEqualTo(AuthRecord.Verdict.ACCEPTED);
        }

        @Test
        void aResponseForAnotherUriIsWrong() {
            DigestResponse d = digest("n1", "00000001");
            DigestResponse elsewhere = new DigestResponse(d.username(), d.realm(), d.nonce(), "sip:example.org",
                d.response(), d.algorithm(), d.cnonce(), d.nc(), d.qop(), d.method());
            assertThat(check(RECORD, elsewhere, "c1", 1, NOW).verdict()).isEqualTo(AuthRecord.Verdict.WRONG);
        }

        @Test
        void qopAuthWithNonceCountZeroIsWrongThoughTheResponseIsRight() {
            DigestResponse d = digest("n1", "00000000");
            assertThat(d.matches(RECORD.ha1().get(DigestAlgorithm.SHA_256))).isTrue();
            AuthRecord.Check c = check(RECORD, d, "c1", 1, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.WRONG);
            assertThat(c.next()).isSameAs(RECORD);
        }

        @Test
        void qopAuthWithAMalformedNonceCountIsWrongThoughTheResponseIsRight() {
            for (String nc : new String[] {"1", "0000001", "000000001", "0000000x", ""}) {
                DigestResponse d = digest("n1", nc);
                assertThat(d.matches(RECORD.ha1().get(DigestAlgorithm.SHA_256))).isTrue();
                assertThat(check(RECORD, d, "c1", 1, NOW).verdict()).as("nc '%s'", nc)
                    .isEqualTo(AuthRecord.Verdict.WRONG);
            }
        }
    }

    @Nested
    class Replayed {

        @Test
        void theSameNonceAndCountFromAnotherCallIdIsReplayed() {
            AuthRecord used = usedOnce("n1");
            AuthRecord.Check c = check(used, digest("n1", "00000001"), "c2", 1, NOW + 1_000);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.REPLAYED);
            assertThat(c.next()).isSameAs(used);
        }

        @Test
        void theSameNonceAndCountWithAnotherCSeqIsReplayed() {
            assertThat(check(usedOnce("n1"), digest("n1", "00000001"), "c1", 2, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
        }

        @Test
        void aLowerNonceCountIsReplayedEvenFromTheSameRequest() {
            AuthRecord at5 = check(RECORD, digest("n1", "00000005"), "c1", 5, NOW).next();
            assertThat(check(at5, digest("n1", "00000004"), "c1", 5, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
            assertThat(check(at5, digest("n1", "00000004"), "c1", 6, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
        }

        @Test
        void theQopLessFormCannotBeUsedTwiceButCanBeRetransmitted() {
            AuthRecord used = check(RECORD, digestWithoutQop("n1"), "c1", 1, NOW).next();
            assertThat(check(used, digestWithoutQop("n1"), "c1", 2, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
            assertThat(check(used, digestWithoutQop("n1"), "c2", 1, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
            AuthRecord.Check retransmission = check(used, digestWithoutQop("n1"), "c1", 1, NOW);
            assertThat(retransmission.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(retransmission.next()).isSameAs(used);
        }

        @Test
        void aWrongPasswordWithAUsedNonceIsWrongNotReplayed() {
            assertThat(check(usedOnce("n1"), digest(DigestAlgorithm.SHA_256, "guess", "n1", "00000001"), "c2", 1, NOW)
                .verdict()).isEqualTo(AuthRecord.Verdict.WRONG);
        }
    }

    @Nested
    class Pruning {

        @Test
        void usesOfExpiredNoncesAreDroppedWhenANewUseIsRecorded() {
            AuthRecord old = new AuthRecord(RECORD.ha1(), List.of(use("expired", NOW - AuthRecord.CLOCK_MARGIN_MILLIS - 1),
                use("live", NOW + 1)));
            AuthRecord.Check c = check(old, digest("n1", "00000001"), "c1", 1, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(c.next().nonces()).extracting(AuthRecord.NonceUse::nonce).containsExactly("live", "n1");
        }

        @Test
        void aUseIsRememberedForTheClockMarginAfterItsNonceExpires() {
            AuthRecord old = new AuthRecord(RECORD.ha1(), List.of(use("just-expired", NOW - AuthRecord.CLOCK_MARGIN_MILLIS)));
            AuthRecord.Check c = check(old, digest("n1", "00000001"), "c1", 1, NOW);
            assertThat(c.next().nonces()).extracting(AuthRecord.NonceUse::nonce).containsExactly("just-expired", "n1");
        }

        @Test
        void atMostMaxNoncesAreKeptAndTheFirstToExpireGoes() {
            List<AuthRecord.NonceUse> full = new ArrayList<>();
            for (int i = 0; i < AuthRecord.MAX_NONCES; i++) {
                full.add(use("u" + i, NOW + 1_000 + i));
            }
            AuthRecord.Check c = check(new AuthRecord(RECORD.ha1(), full), digest("n1", "00000001"), "c1", 1, NOW);
            assertThat(c.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            List<String> kept = c.next().nonces().stream().map(AuthRecord.NonceUse::nonce).toList();
            assertThat(kept).hasSize(AuthRecord.MAX_NONCES).doesNotContain("u0").contains("u1", "u31", "n1");
            assertThat(c.next().nonces()).isSortedAccordingTo(
                Comparator.comparingLong(AuthRecord.NonceUse::expiresAt));
        }

        @Test
        void aFullRecordStillRefusesAReplayOfAKeptNonce() {
            List<AuthRecord.NonceUse> full = new ArrayList<>();
            for (int i = 0; i < AuthRecord.MAX_NONCES; i++) {
                full.add(use("u" + i, NOW + 1_000 + i));
            }
            AuthRecord record = new AuthRecord(RECORD.ha1(), full);
            assertThat(check(record, digest("u31", "00000001"), "c9", 1, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
        }

        @Test
        void theUseJustAcceptedIsNotTheOneDropped() {
            List<AuthRecord.NonceUse> full = new ArrayList<>();
            for (int i = 0; i < AuthRecord.MAX_NONCES; i++) {
                full.add(use("u" + i, NONCE_EXPIRES + 1_000 + i));
            }
            AuthRecord.Check first = check(new AuthRecord(RECORD.ha1(), full), digest("n1", "00000001"), "c1", 1, NOW);
            assertThat(first.verdict()).isEqualTo(AuthRecord.Verdict.ACCEPTED);
            assertThat(check(first.next(), digest("n1", "00000001"), "attacker", 1, NOW).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
        }

        @Test
        void aNonceStillValidIsNeverForgotten() {
            NonceAuthority nonces = new NonceAuthority(new byte[32], 300_000, new SplittableRandom(1));
            String n1 = nonces.issue("example.com", NOW);
            long expiresAt = nonces.expiresAt(n1);
            AuthRecord used = RECORD.check(digest(n1, "00000001"), expiresAt, "c1", 1, NOW).next();
            String n2 = nonces.issue("example.com", expiresAt);
            AuthRecord later = used.check(digest(n2, "00000001"), nonces.expiresAt(n2), "c2", 1, expiresAt).next();
            assertThat(nonces.check(n1, "example.com", expiresAt)).isEqualTo(NonceAuthority.Verdict.VALID);
            assertThat(later.check(digest(n1, "00000001"), expiresAt, "attacker", 1, expiresAt).verdict())
                .isEqualTo(AuthRecord.Verdict.REPLAYED);
        }
    }

    @Test
    void theRecordIsImmutable() {
        AuthRecord used = usedOnce("n1");
        assertThat(used.nonces()).isUnmodifiable();
        assertThat(used.ha1()).isUnmodifiable();
        assertThat(RECORD.nonces()).isEmpty();
    }
}
