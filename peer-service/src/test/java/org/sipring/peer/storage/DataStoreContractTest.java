package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * The {@link DataStore} contract, run against every implementation: a subclass supplies a fresh,
 * empty store per test.
 */
public abstract class DataStoreContractTest {

    /** Resource-IDs in unsigned order; D has the top bit set, so signed order would put it first. */
    protected static final ResourceId ZERO = new ResourceId(0, 0);
    protected static final ResourceId A = new ResourceId(0x1000_0000_0000_0000L, 0);
    protected static final ResourceId B = new ResourceId(0x4000_0000_0000_0000L, 0);
    protected static final ResourceId C = new ResourceId(0x7fff_ffff_ffff_ffffL, -1L);
    protected static final ResourceId D = new ResourceId(0x8000_0000_0000_0000L, 0);
    protected static final ResourceId E = new ResourceId(0xc000_0000_0000_0000L, 0);
    protected static final ResourceId MAX = new ResourceId(-1L, -1L);
    protected static final long MAX_KIND = 0xffff_ffffL;
    protected static final long NEVER = Long.MAX_VALUE;

    protected DataStore store;

    /** A new, empty store. */
    protected abstract DataStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static SlotKey key(ResourceId r, long kind) {
        return new SlotKey(r, kind);
    }

    protected static Element element(String name, long storageTime, String value) {
        return new Element(name.getBytes(StandardCharsets.UTF_8), storageTime, 3600, true,
            value.getBytes(StandardCharsets.UTF_8));
    }

    protected static Slot slot(SlotKey key, long generation, long purgeAt, Element... elements) {
        return new Slot(key, generation, List.of(elements), purgeAt);
    }

    protected static Slot slot(ResourceId r, long kind) {
        return slot(key(r, kind), 1, NEVER, element("", 1000, r.shortHex() + "/" + kind));
    }

    protected void write(Slot... slots) {
        store.commit(List.of(slots), List.of());
    }

    protected void remove(SlotKey... keys) {
        store.commit(List.of(), List.of(keys));
    }

    private void writeOneKindAt(ResourceId... resources) {
        for (ResourceId r : resources) {
            write(slot(r, 1));
        }
    }

    private List<ResourceId> scannedResources(IdInterval range, SlotKey after, int limit) {
        return store.scan(range, after, limit).stream().map(s -> s.key().resource()).toList();
    }

    private static IdInterval range(ResourceId start, ResourceId end) {
        return IdInterval.openClosed(start, end);
    }

    @Test
    void readingAMissingSlotGivesNothing() {
        assertThat(store.read(key(A, 1))).isEmpty();
        write(slot(A, 2));
        assertThat(store.read(key(A, 1))).isEmpty();
    }

    @Test
    void aCommittedSlotReadsBackEqual() {
        byte[] big = new byte[10_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Slot s = new Slot(key(D, 0x8000_0000L), -2L, List.of(
            new Element(new byte[0], 1_700_000_000_000L, 0xffff_ffffL, true, big),
            new Element(new byte[] {0, 0, 0, (byte) 0xff}, 5, 60, true, new byte[0]),
            new Element("gone".getBytes(StandardCharsets.UTF_8), 7, 0, false, null)), 1_700_000_600_000L);
        write(s);
        Slot read = store.read(s.key()).orElseThrow();
        assertThat(read).isEqualTo(s);
        assertThat(read.generation()).isEqualTo(-2L);
        assertThat(read.purgeAt()).isEqualTo(1_700_000_600_000L);
        assertThat(read.elements()).containsExactlyElementsOf(s.elements());
    }

    @Test
    void anEmptySlotReadsBackEqual() {
        Slot s = slot(key(A, 3), 9, NEVER);
        write(s);
        assertThat(store.read(s.key())).contains(s);
    }

    @Test
    void aWriteReplacesTheWholeSlot() {
        write(slot(key(A, 1), 1, 100, element("x", 1, "one"), element("y", 1, "two")));
        Slot replacement = slot(key(A, 1), 2, 200, element("z", 2, "three"));
        write(replacement);
        assertThat(store.read(key(A, 1))).contains(replacement);
        assertThat(store.stats().slots()).isEqualTo(1);
        assertThat(store.stats().elements()).isEqualTo(1);
    }

    @Test
    void removalsDeleteSlotsAndIgnoreMissingKeys() {
        writeOneKindAt(A, B);
        remove(key(A, 1), key(C, 1), key(B, 2));
        assertThat(store.read(key(A, 1))).isEmpty();
        assertThat(store.read(key(B, 1))).isPresent();
        assertThat(store.stats().slots()).isEqualTo(1);
    }

    @Test
    void oneCommitWritesAndRemovesTogetherWithRemovalsFirst() {
        writeOneKindAt(A, B);
        Slot newA = slot(key(A, 1), 2, NEVER, element("", 2, "new"));
        Slot c = slot(C, 1);
        store.commit(List.of(newA, c), List.of(key(A, 1), key(B, 1)));
        assertThat(store.read(key(A, 1))).contains(newA);
        assertThat(store.read(key(B, 1))).isEmpty();
        assertThat(store.read(key(C, 1))).contains(c);
        assertThat(store.stats().slots()).isEqualTo(2);
    }

    @Test
    void theLastWriteOfAKeyInOneCommitWins() {
        Slot first = slot(key(A, 1), 1, 100, element("", 1, "first"));
        Slot second = slot(key(A, 1), 2, 200, element("", 2, "second"));
        store.commit(List.of(first, second), List.of());
        assertThat(store.read(key(A, 1))).contains(second);
        assertThat(store.duePurge(NEVER, 10)).containsExactly(key(A, 1));
        assertThat(store.duePurge(150, 10)).isEmpty();
        assertThat(store.stats().slots()).isEqualTo(1);
    }

    @Test
    void aRangeThatDoesNotWrapIsScannedInUnsignedOrder() {
        writeOneKindAt(MAX, E, D, C, B, A, ZERO);
        assertThat(scannedResources(range(A, D), null, 100)).containsExactly(B, C, D);
        assertThat(scannedResources(range(ZERO, MAX), null, 100)).containsExactly(A, B, C, D, E, MAX);
    }

    @Test
    void aRangeThatWrapsRunsFromItsStartOverZeroToItsEnd() {
        writeOneKindAt(ZERO, A, B, C, D, E, MAX);
        assertThat(scannedResources(range(D, B), null, 100)).containsExactly(E, MAX, ZERO, A, B);
        assertThat(scannedResources(range(MAX, ZERO), null, 100)).containsExactly(ZERO);
    }

    @Test
    void theWholeRingEndsWithItsOwnStart() {
        writeOneKindAt(ZERO, A, B, C, D, E, MAX);
        assertThat(scannedResources(range(C, C), null, 100)).containsExactly(D, E, MAX, ZERO, A, B, C);
        assertThat(scannedResources(range(ZERO, ZERO), null, 100)).containsExactly(A, B, C, D, E, MAX, ZERO);
    }

    @Test
    void theStartIsExcludedAndTheEndIncludedWithAllTheirKinds() {
        ResourceId justAfterA = new ResourceId(A.hi(), 1);
        ResourceId justAfterB = new ResourceId(B.hi(), 1);
        write(slot(A, 0), slot(A, MAX_KIND), slot(justAfterA, 0), slot(B, 0), slot(B, MAX_KIND), slot(justAfterB, 0));
        List<SlotKey> keys = store.scan(range(A, B), null, 100).stream().map(Slot::key).toList();
        assertThat(keys).containsExactly(key(justAfterA, 0), key(B, 0), key(B, MAX_KIND));
    }

    @Test
    void slotsOfOneResourceComeInKindOrder() {
        long[] kinds = {7, 1, MAX_KIND, 0x8000_0000L, 0x7fff_ffffL, 0};
        for (long k : kinds) {
            write(slot(B, k));
        }
        List<Long> scanned = store.scan(range(A, C), null, 100).stream().map(s -> s.key().kindId()).toList();
        assertThat(scanned).containsExactly(0L, 1L, 7L, 0x7fff_ffffL, 0x8000_0000L, MAX_KIND);
    }

    @Test
    void theLimitCapsAScan() {
        writeOneKindAt(ZERO, A, B, C);
        assertThat(scannedResources(range(ZERO, ZERO), null, 2)).containsExactly(A, B);
        assertThat(scannedResources(range(ZERO, ZERO), null, 1)).containsExactly(A);
        assertThat(scannedResources(range(ZERO, ZERO), null, 0)).isEmpty();
    }

    @Test
    void aScanResumesAfterTheCursorAcrossTheWrapPoint() {
        write(slot(ZERO, 1), slot(A, 1), slot(B, 1), slot(C, 1), slot(D, 1), slot(E, 1), slot(MAX, 1), slot(MAX, 2));
        IdInterval wrapping = range(D, B);
        List<Slot> whole = store.scan(wrapping, null, 100);
        assertThat(whole).extracting(Slot::key)
            .containsExactly(key(E, 1), key(MAX, 1), key(MAX, 2), key(ZERO, 1), key(A, 1), key(B, 1));
        for (int pageSize = 1; pageSize <= 4; pageSize++) {
            assertThat(scanInPages(wrapping, pageSize)).as("pages of %d", pageSize).isEqualTo(whole);
        }
        assertThat(store.scan(wrapping, key(MAX, 2), 2)).extracting(Slot::key).containsExactly(key(ZERO, 1), key(A, 1));
        assertThat(store.scan(wrapping, key(MAX, MAX_KIND), 100)).extracting(Slot::key)
            .containsExactly(key(ZERO, 1), key(A, 1), key(B, 1));
        assertThat(store.scan(wrapping, key(B, 1), 100)).isEmpty();
    }

    @Test
    void aWholeRingScanResumesThroughItsStart() {
        writeOneKindAt(A, B, C);
        IdInterval whole = range(B, B);
        assertThat(store.scan(whole, key(A, 1), 100)).extracting(s -> s.key().resource()).containsExactly(B);
        assertThat(scanInPages(whole, 1)).extracting(s -> s.key().resource()).containsExactly(C, A, B);
    }

    private List<Slot> scanInPages(IdInterval range, int pageSize) {
        List<Slot> all = new ArrayList<>();
        SlotKey after = null;
        while (true) {
            List<Slot> page = store.scan(range, after, pageSize);
            all.addAll(page);
            if (page.size() < pageSize) {
                return all;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    @Test
    void duePurgeListsEarliestFirstThenInKeyOrder() {
        write(slot(key(A, 1), 1, 300), slot(key(B, 1), 1, 100), slot(key(C, 1), 1, 200),
            slot(key(D, 1), 1, 200), slot(key(E, 1), 1, NEVER));
        assertThat(store.duePurge(99, 10)).isEmpty();
        assertThat(store.duePurge(200, 10)).containsExactly(key(B, 1), key(C, 1), key(D, 1));
        assertThat(store.duePurge(200, 2)).containsExactly(key(B, 1), key(C, 1));
        assertThat(store.duePurge(Long.MAX_VALUE, 10)).containsExactly(key(B, 1), key(C, 1), key(D, 1), key(A, 1));
        assertThat(store.duePurge(Long.MAX_VALUE, 0)).isEmpty();
    }

    @Test
    void thePurgeIndexFollowsReplacementsAndRemovals() {
        write(slot(key(A, 1), 1, 300), slot(key(B, 1), 1, 100), slot(key(C, 1), 1, 200), slot(key(D, 1), 1, 200));
        write(slot(key(B, 1), 2, 400));
        assertThat(store.duePurge(250, 10)).containsExactly(key(C, 1), key(D, 1));
        remove(key(C, 1));
        assertThat(store.duePurge(250, 10)).containsExactly(key(D, 1));
        write(slot(key(D, 1), 2, NEVER));
        assertThat(store.duePurge(250, 10)).isEmpty();
        store.commit(List.of(slot(key(A, 1), 2, 300)), List.of(key(A, 1)));
        assertThat(store.duePurge(Long.MAX_VALUE, 10)).containsExactly(key(A, 1), key(B, 1));
        write(slot(key(D, 1), 3, 50));
        assertThat(store.duePurge(Long.MAX_VALUE, 10)).containsExactly(key(D, 1), key(A, 1), key(B, 1));
    }

    @Test
    void theLastTimeInServiceReadsBack() {
        assertThat(store.aliveAt()).isEmpty();
        store.markAlive(1_700_000_000_000L);
        store.markAlive(1_700_000_060_000L);
        assertThat(store.aliveAt()).hasValue(1_700_000_060_000L);
        assertThat(store.scan(range(ZERO, ZERO), null, 10)).as("not a slot").isEmpty();
    }

    @Test
    void statsCountSlotsAndElements() {
        assertThat(store.stats().slots()).isZero();
        assertThat(store.stats().elements()).isZero();
        write(slot(key(A, 1), 1, NEVER, element("a", 1, "x"), element("b", 1, "y"), element("c", 1, "z")),
            slot(key(B, 1), 1, NEVER, element("a", 1, "x"), element("b", 1, "y")));
        assertThat(store.stats().slots()).isEqualTo(2);
        assertThat(store.stats().elements()).isEqualTo(5);
        assertThat(store.stats().bytesOnDisk()).isPositive();
        write(slot(key(A, 1), 2, NEVER, element("a", 2, "x")));
        assertThat(store.stats().slots()).isEqualTo(2);
        assertThat(store.stats().elements()).isEqualTo(3);
        remove(key(B, 1), key(C, 1));
        assertThat(store.stats().slots()).isEqualTo(1);
        assertThat(store.stats().elements()).isEqualTo(1);
    }
}
