package org.sipring.peer.overlay.id;

import java.math.BigInteger;

/** Unsigned 128-bit arithmetic on (hi, lo) pairs, mod 2^128. */
final class U128 {

    static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);

    private U128() {
    }

    static long[] add(long ahi, long alo, long bhi, long blo) {
        long lo = alo + blo;
        long carry = Long.compareUnsigned(lo, alo) < 0 ? 1 : 0;
        return new long[] {ahi + bhi + carry, lo};
    }

    static long[] sub(long ahi, long alo, long bhi, long blo) {
        long lo = alo - blo;
        long borrow = Long.compareUnsigned(alo, blo) < 0 ? 1 : 0;
        return new long[] {ahi - bhi - borrow, lo};
    }

    /** 2^k for 0 <= k < 128. */
    static long[] pow2(int k) {
        if (k < 0 || k >= 128) {
            throw new IllegalArgumentException("exponent out of range: " + k);
        }
        return k >= 64 ? new long[] {1L << (k - 64), 0} : new long[] {0, 1L << k};
    }

    static int compare(long ahi, long alo, long bhi, long blo) {
        int c = Long.compareUnsigned(ahi, bhi);
        return c != 0 ? c : Long.compareUnsigned(alo, blo);
    }

    static byte[] toBytes(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    static long[] fromBytes(byte[] b, int off) {
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[off + i] & 0xffL);
            lo = (lo << 8) | (b[off + 8 + i] & 0xffL);
        }
        return new long[] {hi, lo};
    }

    static long[] fromBigInteger(BigInteger v) {
        BigInteger m = v.mod(MOD);
        return new long[] {m.shiftRight(64).longValue(), m.longValue()};
    }

    static long[] parseHex(String hex) {
        if (hex == null || hex.length() != 32 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("expected 32 hex digits, got: " + hex);
        }
        return new long[] {Long.parseUnsignedLong(hex.substring(0, 16), 16),
            Long.parseUnsignedLong(hex.substring(16), 16)};
    }
}
