package org.sipring.peer.overlay.id;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A chord-reload Resource-ID: the most significant 128 bits of SHA-1 of the resource name
 * (RFC 6940 §10.2). Immutable.
 */
public record ResourceId(long hi, long lo) implements RingId {

    public static ResourceId ofName(String resourceName) {
        return ofName(resourceName.getBytes(StandardCharsets.UTF_8));
    }

    public static ResourceId ofName(byte[] resourceName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(resourceName);
            long[] v = U128.fromBytes(digest, 0);
            return new ResourceId(v[0], v[1]);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every Java platform", e);
        }
    }

    public static ResourceId of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("Resource-ID must be 16 bytes, got " + bytes.length);
        }
        long[] v = U128.fromBytes(bytes, 0);
        return new ResourceId(v[0], v[1]);
    }

    public static ResourceId fromHex(String hex) {
        long[] v = U128.parseHex(hex);
        return new ResourceId(v[0], v[1]);
    }

    public static ResourceId at(RingId point) {
        return point instanceof ResourceId r ? r : new ResourceId(point.hi(), point.lo());
    }

    @Override
    public String toString() {
        return toHex();
    }
}
