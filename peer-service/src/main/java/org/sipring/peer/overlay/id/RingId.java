package org.sipring.peer.overlay.id;

import java.math.BigInteger;

/**
 * A point on the chord-reload identifier circle: an unsigned 128-bit integer, arithmetic mod 2^128
 * (RFC 6940 §10.2). Node-IDs and Resource-IDs share the circle, so routing compares them directly.
 */
public sealed interface RingId extends Comparable<RingId> permits NodeId, ResourceId {

    int BYTES = 16;

    /** High 64 bits, unsigned. */
    long hi();

    /** Low 64 bits, unsigned. */
    long lo();

    /** Unsigned numeric order (not ring order: the circle has no order without a reference point). */
    @Override
    default int compareTo(RingId o) {
        int c = Long.compareUnsigned(hi(), o.hi());
        return c != 0 ? c : Long.compareUnsigned(lo(), o.lo());
    }

    default boolean samePoint(RingId o) {
        return hi() == o.hi() && lo() == o.lo();
    }

    /** Clockwise distance from this point to {@code to}: (to - this) mod 2^128, as [hi, lo]. */
    default long[] distanceTo(RingId to) {
        return U128.sub(to.hi(), to.lo(), hi(), lo());
    }

    default byte[] toBytes() {
        return U128.toBytes(hi(), lo());
    }

    default String toHex() {
        return String.format("%016x%016x", hi(), lo());
    }

    /** The first 8 hex digits, for logs. */
    default String shortHex() {
        return toHex().substring(0, 8);
    }

    default BigInteger toBigInteger() {
        return new BigInteger(1, toBytes());
    }

    /** Fraction of the circle this point lies at, in [0, 1). */
    default double fraction() {
        return toBigInteger().doubleValue() / Math.pow(2, 128);
    }
}
