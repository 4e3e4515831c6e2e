package org.sipring.peer.sip;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.random.RandomGenerator;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Digest nonces any peer of the overlay can verify without shared state: issue time, 8 random
 * bytes and an HMAC-SHA-256 over both and the realm, keyed by the overlay-wide secret
 * ({@code peer.sip.auth.secret}), base64url-encoded. A nonce past its lifetime is stale
 * (RFC 3261 §22.4 and RFC 2617 §3.2.1: the client retries with the new nonce, stale=true); one
 * with a wrong tag was never issued. Replays of a valid nonce are caught at the AOR's responsible
 * peer, which keeps the highest nonce count seen ({@link AuthRecord}).
 */
public final class NonceAuthority {

    private static final int TAG_BYTES = 16;
    private static final int RAW_BYTES = 8 + 8 + TAG_BYTES;

    private final SecretKeySpec key;
    private final long lifetimeMillis;
    private final RandomGenerator random;

    public NonceAuthority(byte[] secret, long lifetimeMillis, RandomGenerator random) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the nonce secret needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.lifetimeMillis = lifetimeMillis;
        this.random = random;
    }

    public String issue(String realm, long now) {
        ByteBuffer b = ByteBuffer.allocate(RAW_BYTES);
        b.putLong(now).putLong(random.nextLong());
        b.put(tag(b.array(), realm));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** What a nonce from a request is worth. */
    public enum Verdict { VALID, STALE, FORGED }

    public Verdict check(String nonce, String realm, long now) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Verdict.FORGED;
        }
        if (raw.length != RAW_BYTES) {
            return Verdict.FORGED;
        }
        byte[] tag = Arrays.copyOfRange(raw, 16, RAW_BYTES);
        if (!MessageDigest.isEqual(tag, tag(raw, realm))) {
            return Verdict.FORGED;
        }
        long issued = ByteBuffer.wrap(raw).getLong();
        return now - issued > lifetimeMillis || issued - now > lifetimeMillis ? Verdict.STALE : Verdict.VALID;
    }

    /** When a nonce this authority issued stops being accepted; the AOR's peer forgets its count then. */
    public long expiresAt(String nonce) {
        return ByteBuffer.wrap(Base64.getUrlDecoder().decode(nonce)).getLong() + lifetimeMillis;
    }

    private byte[] tag(byte[] raw, String realm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(raw, 0, 16);
            mac.update(realm.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(), TAG_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }
}
