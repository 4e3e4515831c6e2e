package org.sipring.peer.overlay.id;

import java.math.BigInteger;

/**
 * A half-open arc of the identifier circle, (start, end], walking clockwise from start (exclusive)
 * to end (inclusive). Wrap-around is explicit: if end is numerically below start the arc crosses
 * zero. When start and end are the same point the arc is the whole circle: a lone peer whose
 * predecessor is itself is responsible for everything (RFC 6940 §10.1: x is responsible for k
 * when pred &lt; k &lt;= x).
 */
public record IdInterval(RingId start, RingId end) {

    private static final BigInteger RING = BigInteger.ONE.shiftLeft(128);

    public static IdInterval openClosed(RingId start, RingId end) {
        return new IdInterval(start, end);
    }

    public boolean isWholeRing() {
        return start.samePoint(end);
    }

    /** True if k lies in (start, end]. */
    public boolean contains(RingId k) {
        if (isWholeRing()) {
            return true;
        }
        int cmp = U128.compare(start.hi(), start.lo(), end.hi(), end.lo());
        boolean afterStart = U128.compare(k.hi(), k.lo(), start.hi(), start.lo()) > 0;
        boolean atOrBeforeEnd = U128.compare(k.hi(), k.lo(), end.hi(), end.lo()) <= 0;
        return cmp < 0 ? afterStart && atOrBeforeEnd : afterStart || atOrBeforeEnd;
    }

    /** The arc's length as [hi, lo]; the whole ring reports 2^128 - 1 (saturated). */
    public long[] length() {
        if (isWholeRing()) {
            return new long[] {-1L, -1L};
        }
        return start.distanceTo(end);
    }

    /** The arc's length as a fraction of the circle, in (0, 1]. */
    public double fraction() {
        long[] l = length();
        return unsignedToDouble(l[0]) / 0x1p64 + unsignedToDouble(l[1]) / 0x1p128;
    }

    /** The midpoint of the arc, start + length / 2. */
    public NodeId midpoint() {
        long[] l = length();
        long hi = l[0] >>> 1;
        long lo = (l[1] >>> 1) | (l[0] << 63);
        long[] m = U128.add(start.hi(), start.lo(), hi, lo);
        return new NodeId(m[0], m[1]);
    }

    /**
     * The i-th of n equal arcs this arc is cut into, in clockwise order; together they are the
     * arc. Arc i holds the points at clockwise distance d from start with
     * ceil(i·len/n) &lt; d &lt;= ceil((i+1)·len/n), the whole circle counting as len = 2^128.
     */
    public IdInterval part(int i, int n) {
        BigInteger len = lengthBig();
        BigInteger from = ceilDiv(len.multiply(BigInteger.valueOf(i)), n);
        BigInteger to = ceilDiv(len.multiply(BigInteger.valueOf(i + 1L)), n);
        return new IdInterval(offset(from), offset(to));
    }

    /** Which of n equal arcs ({@link #part}) holds k; k must lie in this arc. */
    public int partOf(RingId k, int n) {
        BigInteger d = k.toBigInteger().subtract(start.toBigInteger()).mod(RING);
        if (d.signum() == 0) {
            d = RING;
        }
        return d.subtract(BigInteger.ONE).multiply(BigInteger.valueOf(n)).divide(lengthBig()).intValue();
    }

    /** The n arcs of {@link #part}, for finding the arcs of many keys without big-number arithmetic. */
    public Parts parts(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be positive");
        }
        IdInterval[] prefixes = new IdInterval[n];
        for (int i = 0; i < n; i++) {
            prefixes[i] = openClosed(start, part(i, n).end());
        }
        return new Parts(prefixes);
    }

    /**
     * An arc cut into n equal arcs. Arc i is the difference of the prefixes (start, end of arc i]
     * and (start, end of arc i - 1], which grow with i, so a key's arc is found by bisection.
     */
    public static final class Parts {
        private final IdInterval[] prefixes;

        private Parts(IdInterval[] prefixes) {
            this.prefixes = prefixes;
        }

        /** The same as {@link IdInterval#partOf}: which arc holds k, which must lie in the whole arc. */
        public int indexOf(RingId k) {
            int lo = 0;
            int hi = prefixes.length - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (prefixes[mid].contains(k)) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return lo;
        }
    }

    private BigInteger lengthBig() {
        return isWholeRing() ? RING : end.toBigInteger().subtract(start.toBigInteger()).mod(RING);
    }

    private NodeId offset(BigInteger d) {
        return NodeId.of(start.toBigInteger().add(d).mod(RING));
    }

    private static BigInteger ceilDiv(BigInteger a, int n) {
        BigInteger[] qr = a.divideAndRemainder(BigInteger.valueOf(n));
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }

    static double unsignedToDouble(long v) {
        return (double) (v >>> 1) * 2.0 + (v & 1);
    }

    @Override
    public String toString() {
        return "(" + start.toHex() + ", " + end.toHex() + "]";
    }
}
