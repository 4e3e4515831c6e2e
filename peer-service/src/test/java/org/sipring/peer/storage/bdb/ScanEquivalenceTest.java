package org.sipring.peer.storage.bdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.InMemoryDataStore;

/**
 * Scans of random ranges and cursors over one fixed data set: the Berkeley DB store, the in-memory
 * store and a brute-force filter in ring order must agree.
 */
class ScanEquivalenceTest {

    private static final BigInteger RING = BigInteger.ONE.shiftLeft(128);
    private static final List<ResourceId> EDGES = List.of(new ResourceId(0, 0), new ResourceId(0, 1),
        new ResourceId(Long.MAX_VALUE, -1L), new ResourceId(Long.MIN_VALUE, 0), new ResourceId(-1L, -1L),
        new ResourceId(-1L, -2L));
    private static final long[] KINDS = {0, 1, 0x8000_0000L, 0xffff_ffffL};
    private static final List<ResourceId> RESOURCES = resources();
    private static final List<Slot> SLOTS = slots();

    private static Path dir;
    private static BdbDataStore bdb;
    private static InMemoryDataStore memory;

    private static List<ResourceId> resources() {
        Random random = new Random(6940);
        List<ResourceId> out = new ArrayList<>(EDGES);
        long[] his = {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -1L};
        for (int i = 0; i < 150; i++) {
            long hi = i % 3 == 0 ? his[random.nextInt(his.length)] : random.nextLong();
            out.add(new ResourceId(hi, random.nextLong()));
        }
        return List.copyOf(out);
    }

    private static List<Slot> slots() {
        Random random = new Random(2);
        List<Slot> out = new ArrayList<>();
        for (ResourceId r : RESOURCES) {
            for (long kind : KINDS) {
                if (random.nextInt(3) == 0 || kind == 1) {
                    out.add(new Slot(new SlotKey(r, kind), random.nextInt(5),
                        List.of(new Element(null, 1, 60, true, r.toBytes())), Long.MAX_VALUE));
                }
            }
        }
        return List.copyOf(out);
    }

    @BeforeContainer
    static void fillBothStores() throws IOException {
        dir = Files.createTempDirectory("scan-equivalence");
        bdb = BdbDataStore.open(TestStores.small(dir));
        memory = new InMemoryDataStore();
        for (int i = 0; i < SLOTS.size(); i += 50) {
            List<Slot> batch = SLOTS.subList(i, Math.min(SLOTS.size(), i + 50));
            bdb.commit(batch, List.of());
            memory.commit(batch, List.of());
        }
    }

    @AfterContainer
    static void closeAndDelete() throws IOException {
        bdb.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** One scan call: its range, its resume cursor (null for none) and its limit. */
    record ScanCall(IdInterval range, SlotKey after, int limit) {
    }

    @Provide
    Arbitrary<ScanCall> calls() {
        Arbitrary<IdInterval> ranges = Arbitraries.frequencyOf(
            Tuple.of(8, Combinators.combine(points(), points()).as(IdInterval::openClosed)),
            Tuple.of(2, points().map(p -> IdInterval.openClosed(p, p))));
        return ranges.flatMap(range -> Combinators.combine(cursors(range), Arbitraries.integers().between(0, 700))
            .as((after, limit) -> new ScanCall(range, after.orElse(null), limit)));
    }

    private static Arbitrary<ResourceId> points() {
        Arbitrary<ResourceId> nearStored = Combinators.combine(Arbitraries.of(RESOURCES), Arbitraries.of(-1, 0, 0, 1))
            .as(ScanEquivalenceTest::plus);
        Arbitrary<ResourceId> random = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(ResourceId::new);
        return Arbitraries.frequencyOf(Tuple.of(6, nearStored), Tuple.of(2, Arbitraries.of(EDGES)), Tuple.of(2, random));
    }

    /** No cursor, a stored key in the range (the usual resume), or any key. */
    private static Arbitrary<Optional<SlotKey>> cursors(IdInterval range) {
        List<SlotKey> inRange = SLOTS.stream().map(Slot::key).filter(k -> range.contains(k.resource())).toList();
        Arbitrary<SlotKey> anywhere = Combinators.combine(points(), Arbitraries.of(0L, 1L, 2L, 0xffff_ffffL))
            .as(SlotKey::new);
        Arbitrary<SlotKey> resume = inRange.isEmpty() ? anywhere : Arbitraries.of(inRange);
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(Optional.empty())),
            Tuple.of(5, resume.map(Optional::of)), Tuple.of(2, anywhere.map(Optional::of)));
    }

    private static ResourceId plus(ResourceId r, int delta) {
        BigInteger v = r.toBigInteger().add(BigInteger.valueOf(delta)).mod(RING);
        return new ResourceId(v.shiftRight(64).longValue(), v.longValue());
    }

    @Property(tries = 1000)
    void bdbScansAgreeWithMemoryAndBruteForce(@ForAll("calls") ScanCall call) {
        List<Slot> expected = bruteForce(call.range(), call.after(), call.limit());
        assertThat(bdb.scan(call.range(), call.after(), call.limit())).isEqualTo(expected);
        assertThat(memory.scan(call.range(), call.after(), call.limit())).isEqualTo(expected);
    }

    /** Stored slots in the range, in ring order from just after its start, past the cursor, capped. */
    private static List<Slot> bruteForce(IdInterval range, SlotKey after, int limit) {
        Comparator<SlotKey> ringOrder = Comparator.<SlotKey, BigInteger>comparing(k -> stepsFromStart(range, k.resource()))
            .thenComparingLong(SlotKey::kindId);
        if (after != null && !range.contains(after.resource())) {
            return List.of();
        }
        return SLOTS.stream()
            .filter(s -> range.contains(s.key().resource()))
            .filter(s -> after == null || ringOrder.compare(s.key(), after) > 0)
            .sorted(Comparator.comparing(Slot::key, ringOrder))
            .limit(limit)
            .toList();
    }

    /** Clockwise steps from the point after the range's start to r: 0 for start + 1, 2^128 - 1 for start. */
    private static BigInteger stepsFromStart(IdInterval range, ResourceId r) {
        return r.toBigInteger().subtract(range.start().toBigInteger()).subtract(BigInteger.ONE).mod(RING);
    }
}
