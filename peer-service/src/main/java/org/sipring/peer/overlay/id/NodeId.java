package org.sipring.peer.overlay.id;

import java.math.BigInteger;
import java.util.random.RandomGenerator;

/** A 128-bit chord-reload Node-ID (RFC 6940 §10.2, node-id-length 16). Immutable. */
public record NodeId(long hi, long lo) implements RingId {

    /** The wildcard Node-ID, all ones (§6.1.1): always consumed locally, never forwarded. */
    public static final NodeId WILDCARD = new NodeId(-1L, -1L);

    public static NodeId of(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("Node-ID must be 16 bytes, got " + bytes.length);
        }
        long[] v = U128.fromBytes(bytes, 0);
        return new NodeId(v[0], v[1]);
    }

    public static NodeId fromHex(String hex) {
        long[] v = U128.parseHex(hex);
        return new NodeId(v[0], v[1]);
    }

    public static NodeId of(BigInteger value) {
        long[] v = U128.fromBigInteger(value);
        return new NodeId(v[0], v[1]);
    }

    /** A uniformly random Node-ID, never the wildcard. */
    public static NodeId random(RandomGenerator random) {
        NodeId id;
        do {
            id = new NodeId(random.nextLong(), random.nextLong());
        } while (id.equals(WILDCARD));
        return id;
    }

    /** The point at the same position, as a Node-ID (for routing towards a ring position). */
    public static NodeId at(RingId point) {
        return point instanceof NodeId n ? n : new NodeId(point.hi(), point.lo());
    }

    /** this + 2^k mod 2^128. */
    public NodeId plusPowerOfTwo(int k) {
        long[] p = U128.pow2(k);
        long[] s = U128.add(hi, lo, p[0], p[1]);
        return new NodeId(s[0], s[1]);
    }

    /** this + delta mod 2^128 (delta given as unsigned hi/lo). */
    public NodeId plus(long dhi, long dlo) {
        long[] s = U128.add(hi, lo, dhi, dlo);
        return new NodeId(s[0], s[1]);
    }

    public NodeId plusOne() {
        return plus(0, 1);
    }

    public boolean isWildcard() {
        return equals(WILDCARD);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
