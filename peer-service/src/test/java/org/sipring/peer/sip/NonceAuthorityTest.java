package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stateless HMAC nonces: valid for the realm they were issued for within their lifetime, stale
 * after it (or too far ahead), forged when the tag does not verify. Time is always explicit.
 */
class NonceAuthorityTest {

    private static final byte[] SECRET = "0123456789abcdef-overlay-secret".getBytes(StandardCharsets.US_ASCII);
    private static final long LIFETIME = 300_000;
    private static final long NOW = 1_800_000_000_000L;
    private static final String REALM = "example.com";

    private static NonceAuthority authority(byte[] secret, long seed) {
        return new NonceAuthority(secret, LIFETIME, new SplittableRandom(seed));
    }

    private static NonceAuthority authority() {
        return authority(SECRET, 42);
    }

    private static byte[] raw(String nonce) {
        return Base64.getUrlDecoder().decode(nonce);
    }

    private static String encode(byte[] raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    @Test
    void anIssuedNonceIsValidForItsRealmThroughoutItsLifetime() {
        NonceAuthority a = authority();
        String nonce = a.issue(REALM, NOW);
        assertThat(a.check(nonce, REALM, NOW)).isEqualTo(NonceAuthority.Verdict.VALID);
        assertThat(a.check(nonce, REALM, NOW + LIFETIME / 2)).isEqualTo(NonceAuthority.Verdict.VALID);
        assertThat(a.check(nonce, REALM, NOW + LIFETIME)).isEqualTo(NonceAuthority.Verdict.VALID);
    }

    @Test
    void anotherPeerWithTheSameSecretAcceptsIt() {
        String nonce = authority(SECRET, 1).issue(REALM, NOW);
        assertThat(authority(SECRET.clone(), 2).check(nonce, REALM, NOW + 1_000))
            .isEqualTo(NonceAuthority.Verdict.VALID);
    }

    @Test
    void aNonceIsStaleOnceItsLifetimeHasPassed() {
        NonceAuthority a = authority();
        String nonce = a.issue(REALM, NOW);
        assertThat(a.check(nonce, REALM, NOW + LIFETIME + 1)).isEqualTo(NonceAuthority.Verdict.STALE);
        assertThat(a.check(nonce, REALM, NOW + 10 * LIFETIME)).isEqualTo(NonceAuthority.Verdict.STALE);
    }

    @Test
    void aNonceIssuedFarInTheFutureIsStaleButSmallClockSkewIsTolerated() {
        NonceAuthority a = authority();
        assertThat(a.check(a.issue(REALM, NOW + LIFETIME + 1), REALM, NOW)).isEqualTo(NonceAuthority.Verdict.STALE);
        assertThat(a.check(a.issue(REALM, NOW + 365L * 86_400_000), REALM, NOW))
            .isEqualTo(NonceAuthority.Verdict.STALE);
        assertThat(a.check(a.issue(REALM, NOW + 5_000), REALM, NOW)).isEqualTo(NonceAuthority.Verdict.VALID);
    }

    @Test
    void aNonceForAnotherRealmIsForged() {
        NonceAuthority a = authority();
        String nonce = a.issue(REALM, NOW);
        assertThat(a.check(nonce, "example.org", NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
        assertThat(a.check(nonce, "Example.com", NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
        assertThat(a.check(nonce, "", NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
    }

    @Test
    void aNonceFromAnotherSecretIsForged() {
        byte[] other = SECRET.clone();
        other[0] ^= 1;
        String nonce = authority(other, 42).issue(REALM, NOW);
        assertThat(authority().check(nonce, REALM, NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
    }

    @Test
    void flippingAnyBitOfANonceMakesItForged() {
        NonceAuthority a = authority();
        byte[] raw = raw(a.issue(REALM, NOW));
        for (int i = 0; i < raw.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = raw.clone();
                tampered[i] ^= (byte) (1 << bit);
                assertThat(a.check(encode(tampered), REALM, NOW)).as("byte %d bit %d", i, bit)
                    .isEqualTo(NonceAuthority.Verdict.FORGED);
            }
        }
    }

    @Test
    void movingTheIssueTimeForwardWithoutTheSecretIsForged() {
        NonceAuthority a = authority();
        byte[] raw = raw(a.issue(REALM, NOW - 10 * LIFETIME));
        ByteBuffer.wrap(raw).putLong(0, NOW);
        assertThat(a.check(encode(raw), REALM, NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not base64!", "%%%%", "abc=def", "a"})
    void aNonceThatIsNotBase64urlIsForged(String nonce) {
        assertThat(authority().check(nonce, REALM, NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
    }

    @Test
    void aNonceInStandardBase64WithPlusOrSlashIsForgedNotAnError() {
        assertThat(authority().check("ab+/cd", REALM, NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
    }

    @Test
    void aNonceOfTheWrongLengthIsForged() {
        NonceAuthority a = authority();
        byte[] raw = raw(a.issue(REALM, NOW));
        assertThat(raw).hasSize(32);
        assertThat(a.check(encode(Arrays.copyOf(raw, 31)), REALM, NOW))
            .isEqualTo(NonceAuthority.Verdict.FORGED);
        assertThat(a.check(encode(Arrays.copyOf(raw, 33)), REALM, NOW))
            .isEqualTo(NonceAuthority.Verdict.FORGED);
        assertThat(a.check(encode(new byte[0]), REALM, NOW)).isEqualTo(NonceAuthority.Verdict.FORGED);
    }

    @Test
    void aNonceIsUrlSafeWithoutPadding() {
        String nonce = authority().issue(REALM, NOW);
        assertThat(nonce).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void expiresAtIsTheIssueTimePlusTheLifetime() {
        NonceAuthority a = authority();
        assertThat(a.expiresAt(a.issue(REALM, NOW))).isEqualTo(NOW + LIFETIME);
        assertThat(a.expiresAt(a.issue(REALM, 0))).isEqualTo(LIFETIME);
    }

    @Test
    void noncesIssuedInTheSameMillisecondDiffer() {
        NonceAuthority a = authority();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            assertThat(seen.add(a.issue(REALM, NOW))).isTrue();
        }
    }

    @Test
    void theSameSeedAndTimeGiveTheSameNonce() {
        assertThat(authority(SECRET, 7).issue(REALM, NOW)).isEqualTo(authority(SECRET, 7).issue(REALM, NOW));
    }

    @Test
    void aSecretUnder16BytesIsRefused() {
        assertThatThrownBy(() -> new NonceAuthority(new byte[15], LIFETIME, new SplittableRandom(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
        assertThat(new NonceAuthority(new byte[16], LIFETIME, new SplittableRandom(1)).issue(REALM, NOW)).isNotEmpty();
    }

    @Test
    void changingTheCallersSecretArrayAfterwardsDoesNotChangeTheKey() {
        byte[] secret = SECRET.clone();
        NonceAuthority a = new NonceAuthority(secret, LIFETIME, new SplittableRandom(3));
        String nonce = a.issue(REALM, NOW);
        secret[0] ^= 1;
        assertThat(a.check(nonce, REALM, NOW)).isEqualTo(NonceAuthority.Verdict.VALID);
    }
}
