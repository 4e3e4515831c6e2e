package org.sipring.peer.overlay.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class IdArithmeticTest {

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);

    private static NodeId id(String hex) {
        return NodeId.fromHex(hex);
    }

    @Test
    void resourceIdIsTheHigh128BitsOfSha1() {
        // SHA-1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d (FIPS 180 test vector)
        assertEquals("a9993e364706816aba3e25717850c26c", ResourceId.ofName("abc").toHex());
    }

    @Test
    void intervalWithoutWrapAround() {
        IdInterval i = IdInterval.openClosed(id("00000000000000000000000000000010"), id("00000000000000000000000000000020"));
        assertFalse(i.contains(id("00000000000000000000000000000010")), "start is excluded");
        assertTrue(i.contains(id("00000000000000000000000000000011")));
        assertTrue(i.contains(id("00000000000000000000000000000020")), "end is included");
        assertFalse(i.contains(id("00000000000000000000000000000021")));
    }

    @Test
    void intervalWrappingThroughZero() {
        IdInterval i = IdInterval.openClosed(id("fffffffffffffffffffffffffffffff0"), id("00000000000000000000000000000005"));
        assertTrue(i.contains(id("ffffffffffffffffffffffffffffffff")));
        assertTrue(i.contains(id("00000000000000000000000000000000")));
        assertTrue(i.contains(id("00000000000000000000000000000005")));
        assertFalse(i.contains(id("fffffffffffffffffffffffffffffff0")));
        assertFalse(i.contains(id("00000000000000000000000000000006")));
        assertFalse(i.contains(id("80000000000000000000000000000000")));
        assertEquals(0x15, i.length()[1]);
    }

    @Test
    void sameStartAndEndIsTheWholeRing() {
        NodeId x = id("0123456789abcdef0123456789abcdef");
        IdInterval whole = IdInterval.openClosed(x, x);
        assertTrue(whole.isWholeRing());
        assertTrue(whole.contains(x));
        assertTrue(whole.contains(id("00000000000000000000000000000000")));
    }

    @Test
    void midpointOfAWrappingArc() {
        IdInterval i = IdInterval.openClosed(id("f0000000000000000000000000000000"), id("10000000000000000000000000000000"));
        assertEquals("00000000000000000000000000000000", i.midpoint().toHex());
        assertEquals(0.125, i.fraction(), 1e-12);
    }

    @Test
    void plusPowerOfTwoWraps() {
        NodeId x = id("c0000000000000000000000000000001");
        assertEquals("40000000000000000000000000000001", x.plusPowerOfTwo(127).toHex());
        assertEquals("c0000000000000010000000000000001", x.plusPowerOfTwo(64).toHex());
        assertEquals("00000000000000000000000000000000", id("ffffffffffffffffffffffffffffffff").plusOne().toHex());
    }

    @Test
    void badHexIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeId.fromHex("xyz"));
        assertTrue(e.getMessage().contains("32 hex digits"));
    }

    @Property
    void distanceMatchesBigIntegerArithmetic(@ForAll long ahi, @ForAll long alo, @ForAll long bhi, @ForAll long blo) {
        NodeId a = new NodeId(ahi, alo);
        NodeId b = new NodeId(bhi, blo);
        long[] d = a.distanceTo(b);
        BigInteger expected = b.toBigInteger().subtract(a.toBigInteger()).mod(MOD);
        assertEquals(expected, new NodeId(d[0], d[1]).toBigInteger());
    }

    @Property
    void containsAgreesWithBigIntegerModel(@ForAll long s, @ForAll long e, @ForAll long k, @ForAll long low) {
        NodeId start = new NodeId(s, low);
        NodeId end = new NodeId(e, ~low);
        NodeId key = new NodeId(k, low ^ k);
        BigInteger toEnd = end.toBigInteger().subtract(start.toBigInteger()).mod(MOD);
        BigInteger toKey = key.toBigInteger().subtract(start.toBigInteger()).mod(MOD);
        boolean expected = toEnd.signum() == 0 || (toKey.signum() > 0 && toKey.compareTo(toEnd) <= 0);
        assertEquals(expected, IdInterval.openClosed(start, end).contains(key));
    }

    @Property
    void bytesRoundTrip(@ForAll long hi, @ForAll long lo) {
        NodeId n = new NodeId(hi, lo);
        assertEquals(n, NodeId.of(n.toBytes()));
        assertEquals(n, NodeId.fromHex(n.toHex()));
    }

    @Property
    void partsFindTheSameArcAsPartOf(@ForAll long s, @ForAll long e, @ForAll long k, @ForAll long low,
                                     @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 300) int n) {
        IdInterval range = IdInterval.openClosed(new NodeId(s, low), new NodeId(e, low * 31));
        NodeId key = new NodeId(k, low ^ k);
        if (!range.contains(key)) {
            key = range.midpoint();
        }
        assertEquals(range.partOf(key, n), range.parts(n).indexOf(key));
        // both ends of each arc: the first point after its start and its end
        int i = (int) Math.floorMod(k, (long) n);
        IdInterval arc = range.part(i, n);
        if (!arc.start().samePoint(arc.end())) {
            assertEquals(i, range.parts(n).indexOf(arc.end()));
        }
    }

    @Test
    void partsOfTheWholeRingPutTheStartInTheLastArc() {
        NodeId at = new NodeId(5, 7);
        IdInterval ring = IdInterval.openClosed(at, at);
        assertEquals(ring.partOf(at, 16), ring.parts(16).indexOf(at));
        assertEquals(15, ring.parts(16).indexOf(at));
        assertEquals(0, ring.parts(16).indexOf(new NodeId(5, 8)));
    }
}
