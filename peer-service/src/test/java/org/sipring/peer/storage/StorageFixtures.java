package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.AbstractThrowableAssert;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;

/** Kinds, keys, values and DataStore wrappers shared by the storage tests. */
final class StorageFixtures {

    /** A fixed "now" for every test: 2023-11-14T22:13:20Z. */
    static final long NOW = 1_700_000_000_000L;

    /** Deletion markers are kept at least one minute. */
    static final long RETENTION = 60_000L;

    static final KindSpec SINGLE = new KindSpec(new Kind(1, "single", DataModel.SINGLE), 1, 16);
    static final KindSpec ARRAY = new KindSpec(new Kind(2, "array", DataModel.ARRAY), 5, 16);
    static final KindSpec DICT = new KindSpec(new Kind(3, "dict", DataModel.DICTIONARY), 3, 16);
    static final KindSpec BIG_DICT = new KindSpec(new Kind(4, "big-dict", DataModel.DICTIONARY), 10_000, 64);
    static final long UNKNOWN_KIND = 99;

    static final KindRegistry KINDS = new KindRegistry(List.of(SINGLE, ARRAY, DICT, BIG_DICT));
    static final SlotRules RULES = new SlotRules(RETENTION);

    static final ResourceId ALICE = ResourceId.ofName("sip:alice@example.com");

    private StorageFixtures() {
    }

    static SlotKey key(KindSpec spec) {
        return new SlotKey(ALICE, spec.id());
    }

    static SlotKey key(ResourceId resource, KindSpec spec) {
        return new SlotKey(resource, spec.id());
    }

    /** A Resource-ID whose top byte is {@code top} and whose other bits are {@code low}. */
    static ResourceId rid(int top, long low) {
        return new ResourceId((long) top << 56, low);
    }

    /** The whole ring, cut at zero. */
    static IdInterval wholeRing() {
        ResourceId zero = new ResourceId(0, 0);
        return IdInterval.openClosed(zero, zero);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static StoredValue single(String value, long lifetime) {
        return new StoredValue(0, lifetime, 0, null, true, b(value));
    }

    static StoredValue entry(String key, String value, long lifetime) {
        return new StoredValue(0, lifetime, 0, b(key), true, b(value));
    }

    static StoredValue deleteEntry(String key, long lifetime) {
        return new StoredValue(0, lifetime, 0, b(key), false, null);
    }

    static StoredValue cell(long index, String value, long lifetime) {
        return new StoredValue(0, lifetime, index, null, true, b(value));
    }

    static Element element(String name, long storageTime, long lifetime, String value) {
        return new Element(b(name), storageTime, lifetime, true, b(value));
    }

    static Element tombstone(String name, long storageTime, long lifetime) {
        return new Element(b(name), storageTime, lifetime, false, null);
    }

    static Slot slot(SlotKey key, long generation, Element... elements) {
        return RULES.slot(key, generation, List.of(elements));
    }

    static SlotStore slotStore(DataStore disk) {
        return slotStore(disk, Map.of());
    }

    static SlotStore slotStore(DataStore disk, Map<String, SlotProcedure> procedures) {
        return new SlotStore(disk, KINDS, procedures, RULES);
    }

    static List<String> keysOf(List<StoredValue> values) {
        return values.stream().map(v -> s(v.key())).toList();
    }

    static List<String> valuesOf(List<StoredValue> values) {
        return values.stream().map(v -> s(v.value())).toList();
    }

    static List<String> namesOf(Slot slot) {
        return slot.elements().stream().map(e -> s(e.name())).toList();
    }

    static AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Runnable r, int code) {
        return assertThatThrownBy(r::run)
            .isInstanceOfSatisfying(StoreRefused.class, e -> org.assertj.core.api.Assertions
                .assertThat(e.errorCode()).as("RELOAD error code").isEqualTo(code));
    }

    /**
     * A DataStore that delegates to an in-memory store, counts commits, can hold a commit until
     * released and can fail chosen commits; for the storage thread tests.
     */
    static final class ControlledDataStore implements DataStore {
        final InMemoryDataStore inner = new InMemoryDataStore();
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger failedCommits = new AtomicInteger();
        final List<Integer> batchSizes = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Counted down when a commit starts holding. */
        final CountDownLatch holding = new CountDownLatch(1);
        /** Commits hold until this is counted down (when {@link #holdCommits} is set). */
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean holdCommits = new AtomicBoolean();
        final AtomicBoolean failNextCommit = new AtomicBoolean();
        final AtomicBoolean failEveryCommit = new AtomicBoolean();
        /** Commit attempts so far, failed ones included. */
        final AtomicInteger attempts = new AtomicInteger();
        /** Attempt numbers (from 1) that fail. */
        final java.util.Set<Integer> failAttempts = java.util.concurrent.ConcurrentHashMap.newKeySet();

        @Override
        public Optional<Slot> read(SlotKey key) {
            return inner.read(key);
        }

        @Override
        public void commit(Collection<Slot> writes, Collection<SlotKey> removals) {
            int attempt = attempts.incrementAndGet();
            if (holdCommits.get()) {
                holding.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new StorageFailure("test never released the commit", null);
                    }
                } catch (InterruptedException e) {
                    throw new StorageFailure("interrupted while committing", e);
                }
            }
            if (failEveryCommit.get() || failNextCommit.getAndSet(false) || failAttempts.contains(attempt)) {
                failedCommits.incrementAndGet();
                throw new StorageFailure("disk full", null);
            }
            commits.incrementAndGet();
            batchSizes.add(writes.size() + removals.size());
            inner.commit(writes, removals);
        }

        @Override
        public List<Slot> scan(IdInterval range, SlotKey after, int limit) {
            return inner.scan(range, after, limit);
        }

        @Override
        public List<SlotKey> duePurge(long time, int limit) {
            return inner.duePurge(time, limit);
        }

        @Override
        public void markAlive(long time) {
            inner.markAlive(time);
        }

        @Override
        public java.util.OptionalLong aliveAt() {
            return inner.aliveAt();
        }

        @Override
        public DataStoreStats stats() {
            return inner.stats();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
