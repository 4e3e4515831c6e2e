package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.sipring.peer.storage.StorageFixtures.BIG_DICT;
import static org.sipring.peer.storage.StorageFixtures.DICT;
import static org.sipring.peer.storage.StorageFixtures.NOW;
import static org.sipring.peer.storage.StorageFixtures.SINGLE;
import static org.sipring.peer.storage.StorageFixtures.UNKNOWN_KIND;
import static org.sipring.peer.storage.StorageFixtures.b;
import static org.sipring.peer.storage.StorageFixtures.element;
import static org.sipring.peer.storage.StorageFixtures.entry;
import static org.sipring.peer.storage.StorageFixtures.key;
import static org.sipring.peer.storage.StorageFixtures.keysOf;
import static org.sipring.peer.storage.StorageFixtures.rid;
import static org.sipring.peer.storage.StorageFixtures.single;
import static org.sipring.peer.storage.StorageFixtures.slotStore;
import static org.sipring.peer.storage.StorageFixtures.valuesOf;
import static org.sipring.peer.storage.StorageFixtures.wholeRing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.LocalStorage.SlotChange;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.LocalStorage.RangeDigest;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;

/** The storage thread: futures, refusals, back-pressure, group commit, failures and shutdown. */
class StorageServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    /** Never sweeps on its own: the fixed clock does not reach the next sweep. */
    private static final StorageService.Settings SETTINGS = new StorageService.Settings(100, 256, 60_000, 100, 2_000);
    private static final SlotKey DICT_KEY = key(DICT);
    private static final SlotKey BIG_KEY = key(BIG_DICT);

    private final StorageFixtures.ControlledDataStore disk = new StorageFixtures.ControlledDataStore();
    private final List<StorageService> services = new ArrayList<>();

    @AfterEach
    void closeServices() {
        disk.release.countDown();
        services.forEach(StorageService::close);
    }

    private StorageService start(StorageService.Settings settings) {
        return start(settings, Map.of());
    }

    private StorageService start(StorageService.Settings settings, Map<String, SlotProcedure> procedures) {
        StorageService s = StorageService.start(slotStore(disk, procedures), CLOCK, settings, "storage-test");
        services.add(s);
        return s;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Asserts the future fails, within the wait, with the given cause. */
    private static <X extends Throwable> void assertFails(CompletableFuture<?> f, Class<X> type, Consumer<X> check) {
        assertThatThrownBy(() -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOfSatisfying(type, check);
    }

    private static void assertRemoteError(CompletableFuture<?> f, int code) {
        assertFails(f, OverlayException.RemoteError.class, e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    private static void assertOverloaded(CompletableFuture<?> f) {
        assertFails(f, OverlayException.Overloaded.class, e -> { });
    }

    /** Starts holding commits and submits one store that the storage thread then holds in its commit. */
    private CompletableFuture<SlotChange> holdStorageThread(StorageService s) throws InterruptedException {
        disk.holdCommits.set(true);
        CompletableFuture<SlotChange> held = s.store(BIG_KEY, 0, List.of(entry("held", "h", 60)));
        assertThat(disk.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("storage thread in its commit").isTrue();
        assertThat(s.queued()).isZero();
        return held;
    }

    @Test
    void futuresCompleteWithTheChangeAndTheFetchedValues() throws Exception {
        StorageService s = start(SETTINGS);

        SlotChange c = get(s.store(DICT_KEY, 0, List.of(entry("a", "1", 60))));
        assertThat(c.slot().generation()).isEqualTo(1);
        assertThat(c.written()).containsExactly(element("a", NOW, 60, "1"));

        SlotChange again = get(s.store(DICT_KEY, 1, List.of(entry("b", "2", 60))));
        assertThat(again.written()).as("fixed clock: one after the last").extracting(Element::storageTime)
            .containsExactly(NOW + 1);

        assertThat(keysOf(get(s.fetch(DICT_KEY)))).containsExactly("a", "b");
        assertThat(get(s.merge(List.of(StorageFixtures.slot(key(SINGLE), 3, element("", NOW, 60, "m")))))).isEqualTo(1);
        assertThat(get(s.storeReplica(key(SINGLE), 4, List.of(element("", NOW + 5, 60, "r"))))).isNull();
        assertThat(valuesOf(get(s.fetch(key(SINGLE))))).containsExactly("r");
        assertThat(get(s.scan(wholeRing(), null, 10, Integer.MAX_VALUE))).hasSize(2);
        assertThat(get(s.digest(wholeRing(), 2, NOW + 10)).counts().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(2);
        assertThat(s.kind(DICT.id())).contains(DICT.kind());
        assertThat(s.kind(UNKNOWN_KIND)).isEmpty();
        assertThat(s.stats().slots()).isEqualTo(2);
    }

    @Test
    void aDigestInStepsEqualsOneScanAndLetsWritesQueuedMeanwhileRunFirst() throws Exception {
        StorageService s = start(new StorageService.Settings(100, 256, 60_000, 100, 3));
        for (int i = 0; i < 20; i++) {
            get(s.store(key(rid(i * 12, i), DICT), 0, List.of(entry("a", "v" + i, 60))));
        }
        CompletableFuture<SlotChange> held = holdStorageThread(s);
        CompletableFuture<RangeDigest> stepped = s.digest(wholeRing(), 4, NOW + 10);
        // stored later than the digest's settled time: left out of it wherever the scan stands
        CompletableFuture<Void> meanwhile = s.storeReplica(DICT_KEY, 1, List.of(element("late", NOW + 1_000, 60, "x")));
        disk.release.countDown();
        get(held);
        RangeDigest d = get(stepped);
        assertThat(meanwhile).as("the write queued behind the digest's first step ran before its last").isDone();

        RangeDigest oneScan = slotStore(disk).digest(wholeRing(), 4, NOW + 10, NOW);
        assertThat(oneScan.counts().stream().mapToLong(Long::longValue).sum()).as("20 slots and the held one")
            .isEqualTo(21);
        assertThat(d).isEqualTo(oneScan);
    }

    @Test
    void storesUseTheServiceClock() throws Exception {
        Clock ahead = Clock.offset(CLOCK, Duration.ofSeconds(5));
        StorageService s = StorageService.start(slotStore(disk), ahead, SETTINGS, "storage-ahead");
        services.add(s);

        assertThat(get(s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)))).written())
            .extracting(Element::storageTime).containsExactly(NOW + 5_000);
    }

    @Test
    void refusalsCompleteWithTheReloadErrorCode() throws Exception {
        StorageService s = start(SETTINGS);
        get(s.store(DICT_KEY, 0, List.of(entry("a", "1", 60))));
        get(s.store(DICT_KEY, 0, List.of(entry("a", "2", 60))));

        assertRemoteError(s.store(DICT_KEY, 1, List.of(entry("a", "3", 60))), 0x05);
        assertRemoteError(s.store(DICT_KEY, 0, List.of(entry("b", "x".repeat(17), 60))), 0x08);
        assertRemoteError(s.store(new SlotKey(StorageFixtures.ALICE, UNKNOWN_KIND), 0, List.of(single("a", 60))),
            0x0c);
        assertRemoteError(s.fetch(new SlotKey(StorageFixtures.ALICE, UNKNOWN_KIND)), 0x0c);
        assertRemoteError(s.storeReplica(DICT_KEY, 9, List.of(element("a", NOW - 1, 60, "old"))), 0x09);
        assertRemoteError(s.update(DICT_KEY, "no-such", new byte[0]), 0x14);
        assertRemoteError(s.store(key(SINGLE), 0, List.of(single("a", 60), single("b", 60))), 0x14);

        assertThat(valuesOf(get(s.fetch(DICT_KEY)))).containsExactly("2");
    }

    @Test
    void theAppliedListenerHearsADecidedChangeBeforeItsCommitAndNeverARefusal() throws Exception {
        StorageService s = start(SETTINGS);
        disk.holdCommits.set(true);
        CompletableFuture<SlotChange> decided = new CompletableFuture<>();
        CompletableFuture<SlotChange> committed = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)), decided::complete);

        assertThat(get(decided).slot().generation()).isEqualTo(1);
        assertThat(disk.holding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the commit is running").isTrue();
        assertThat(committed).as("not durable yet").isNotDone();
        disk.release.countDown();
        assertThat(get(committed).written()).isEqualTo(get(decided).written());

        List<SlotChange> heard = new ArrayList<>();
        assertRemoteError(s.store(DICT_KEY, 7, List.of(entry("b", "2", 60)), heard::add), 0x05);
        assertRemoteError(s.update(DICT_KEY, "no-such", new byte[0], heard::add), 0x14);
        assertThat(heard).isEmpty();
        SlotChange updated = get(s.update(DICT_KEY, SlotStore.CLEAR, new byte[0], heard::add));
        assertThat(heard).containsExactly(updated);
    }

    @Test
    void aFailedCommitFailsAChangeItsListenerAlreadyHeard() throws Exception {
        StorageService s = start(SETTINGS);
        disk.failNextCommit.set(true);
        CompletableFuture<SlotChange> decided = new CompletableFuture<>();
        CompletableFuture<SlotChange> committed = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)), decided::complete);

        assertThat(get(decided).slot().generation()).isEqualTo(1);
        assertOverloaded(committed);
        assertThat(get(s.fetch(DICT_KEY))).isEmpty();
    }

    @Test
    void aRefusalInABatchDoesNotAffectTheOtherOperations() throws Exception {
        StorageService s = start(SETTINGS);
        CompletableFuture<SlotChange> held = holdStorageThread(s);
        CompletableFuture<SlotChange> ok1 = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)));
        CompletableFuture<SlotChange> refused = s.store(DICT_KEY, 0, List.of(entry("b", "x".repeat(17), 60)));
        CompletableFuture<SlotChange> ok2 = s.store(DICT_KEY, 0, List.of(entry("c", "3", 60)));
        disk.release.countDown();

        get(held);
        assertThat(get(ok1).slot().generation()).isEqualTo(1);
        assertRemoteError(refused, 0x08);
        assertThat(get(ok2).slot().generation()).isEqualTo(2);
        assertThat(keysOf(get(s.fetch(DICT_KEY)))).containsExactly("a", "c");
        assertThat(disk.commits).hasValue(2);
    }

    @Test
    void aFullQueueFailsFastAndNoAcceptedTaskIsLost() throws Exception {
        StorageService s = start(new StorageService.Settings(1, 16, 60_000, 100, 2_000));
        CompletableFuture<SlotChange> held = holdStorageThread(s);

        CompletableFuture<SlotChange> queued = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)));
        assertThat(s.queued()).isEqualTo(1);
        CompletableFuture<SlotChange> rejected = s.store(DICT_KEY, 0, List.of(entry("b", "2", 60)));

        assertThat(rejected).isCompletedExceptionally();
        assertOverloaded(rejected);
        assertThat(held).isNotDone();
        assertThat(queued).isNotDone();

        disk.release.countDown();
        assertThat(get(held).slot().generation()).isEqualTo(1);
        assertThat(get(queued).slot().generation()).isEqualTo(1);
        assertThat(keysOf(get(s.fetch(BIG_KEY)))).containsExactly("held");
        assertThat(keysOf(get(s.fetch(DICT_KEY)))).containsExactly("a");
    }

    @Test
    void concurrentStoresAreCommittedInOneBatchAndAllLand() throws Exception {
        StorageService s = start(SETTINGS);
        CompletableFuture<SlotChange> held = holdStorageThread(s);

        int threads = 4;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<CompletableFuture<SlotChange>>>> submitted = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            submitted.add(pool.submit(() -> {
                List<CompletableFuture<SlotChange>> fs = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    fs.add(s.store(BIG_KEY, 0, List.of(entry("t" + thread + "-" + i, "v", 60))));
                }
                return fs;
            }));
        }
        List<CompletableFuture<SlotChange>> all = new ArrayList<>();
        for (Future<List<CompletableFuture<SlotChange>>> f : submitted) {
            all.addAll(f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(s.queued()).isEqualTo(threads * perThread);

        disk.release.countDown();
        get(held);
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        int operations = threads * perThread + 1;
        assertThat(disk.commits.get()).isLessThan(operations).isEqualTo(2);
        List<StoredValue> values = get(s.fetch(BIG_KEY));
        assertThat(values).hasSize(operations);
        assertThat(all.stream().map(CompletableFuture::join).map(c -> c.slot().generation()))
            .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(2, operations).boxed()
                .toList());
    }

    @Test
    void aFailedCommitFailsEveryFutureOfItsBatchWithOverloaded() throws Exception {
        StorageService s = start(SETTINGS);
        CompletableFuture<SlotChange> held = holdStorageThread(s);
        List<CompletableFuture<SlotChange>> batch = List.of(
            s.store(DICT_KEY, 0, List.of(entry("a", "1", 60))),
            s.store(DICT_KEY, 0, List.of(entry("b", "2", 60))),
            s.store(key(SINGLE), 0, List.of(single("s", 60))));
        CompletableFuture<List<StoredValue>> fetchInBatch = s.fetch(DICT_KEY);
        disk.failEveryCommit.set(true);
        disk.release.countDown();

        assertOverloaded(held);
        batch.forEach(StorageServiceTest::assertOverloaded);
        assertOverloaded(fetchInBatch);
        disk.failEveryCommit.set(false);

        assertThat(get(s.fetch(DICT_KEY))).isEmpty();
        assertThat(get(s.fetch(key(SINGLE)))).isEmpty();
        assertThat(disk.inner.stats().slots()).isZero();
        assertThat(get(s.store(DICT_KEY, 0, List.of(entry("c", "3", 60)))).slot().generation())
            .as("the storage thread carries on after a failed commit").isEqualTo(1);
    }

    @Test
    void aFailedCommitInsideAScanFailsTheStoresItTookDown() throws Exception {
        StorageService s = start(SETTINGS);
        CompletableFuture<SlotChange> held = holdStorageThread(s);
        CompletableFuture<SlotChange> store = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)));
        CompletableFuture<List<Slot>> scan = s.scan(wholeRing(), null, 10, Integer.MAX_VALUE);
        CompletableFuture<SlotChange> after = s.store(DICT_KEY, 0, List.of(entry("b", "2", 60)));
        disk.failAttempts.add(2);
        disk.release.countDown();

        assertThat(get(held).slot().generation()).isEqualTo(1);
        assertOverloaded(scan);
        assertOverloaded(store);
        assertThat(get(after).slot().generation()).isEqualTo(1);
        assertThat(keysOf(get(s.fetch(DICT_KEY)))).as("the failed store is not there").containsExactly("b");
    }

    @Test
    void anOperationThatThrowsUnexpectedlyFailsOnlyItsOwnFuture() throws Exception {
        SlotProcedure broken = (current, argument, now) -> {
            throw new IllegalArgumentException("cannot parse the argument");
        };
        StorageService s = start(SETTINGS, Map.of("broken", broken));
        CompletableFuture<SlotChange> held = holdStorageThread(s);
        CompletableFuture<SlotChange> before = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)));
        CompletableFuture<SlotChange> failing = s.update(DICT_KEY, "broken", b("?"));
        CompletableFuture<Void> duplicate = s.storeReplica(key(SINGLE), 1,
            List.of(element("", NOW, 60, "x"), element("", NOW, 60, "y")));
        CompletableFuture<SlotChange> afterwards = s.store(DICT_KEY, 0, List.of(entry("b", "2", 60)));
        disk.release.countDown();

        get(held);
        assertThat(get(before).slot().generation()).isEqualTo(1);
        assertFails(failing, IllegalArgumentException.class,
            e -> assertThat(e).hasMessage("cannot parse the argument"));
        assertFails(duplicate, IllegalArgumentException.class, e -> { });
        assertThat(get(afterwards).slot().generation()).isEqualTo(2);
        assertThat(keysOf(get(s.fetch(DICT_KEY)))).containsExactly("a", "b");
        assertThat(get(s.store(DICT_KEY, 0, List.of(entry("c", "3", 60)))).slot().generation()).isEqualTo(3);
    }

    @Test
    void inlineServiceRunsEachOperationAtOnceWithOneCommitEach() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        StorageService s = StorageService.inline(slotStore(disk), clock);

        CompletableFuture<SlotChange> stored = s.store(DICT_KEY, 0, List.of(entry("a", "1", 10)));
        assertThat(stored).isDone();
        assertThat(stored.join().written()).containsExactly(element("a", NOW, 10, "1"));
        assertThat(disk.commits).hasValue(1);
        assertThat(disk.inner.read(DICT_KEY)).isPresent();

        CompletableFuture<SlotChange> refused = s.store(DICT_KEY, 5, List.of(entry("a", "2", 10)));
        assertThat(refused).isCompletedExceptionally();
        assertRemoteError(refused, 0x05);

        CompletableFuture<SlotChange> cleared = s.update(DICT_KEY, SlotStore.CLEAR, new byte[0]);
        assertThat(cleared.join().slot().generation()).isEqualTo(2);
        assertThat(s.fetch(DICT_KEY).join()).isEmpty();
        assertThat(disk.commits).hasValue(2);

        // the deletion markers were stamped NOW + 1 (one after the store) and are kept for the retention
        clock.now = NOW + StorageFixtures.RETENTION;
        assertThat(s.sweepNow()).isZero();
        assertThat(disk.inner.read(DICT_KEY)).isPresent();
        clock.now = NOW + 1 + StorageFixtures.RETENTION;
        assertThat(s.sweepNow()).isEqualTo(1);
        assertThat(disk.inner.read(DICT_KEY)).isEmpty();

        s.close();
    }

    @Test
    void inlineServiceCompletesExceptionallyOnAStorageFailure() {
        StorageService s = StorageService.inline(slotStore(disk), CLOCK);
        disk.failNextCommit.set(true);

        CompletableFuture<SlotChange> f = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)));

        assertOverloaded(f);
        assertThat(s.fetch(DICT_KEY).join()).isEmpty();
    }

    @Test
    void theThreadedServiceRefusesAnOutsideSweep() {
        StorageService s = start(SETTINGS);
        assertThatThrownBy(s::sweepNow).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theStorageThreadSweepsExpiredValuesOnItsOwn() throws Exception {
        MutableClock clock = new MutableClock(NOW);
        StorageService s = StorageService.start(slotStore(disk), clock,
            new StorageService.Settings(100, 256, 10, 100, 2_000), "storage-sweep");
        services.add(s);
        get(s.store(DICT_KEY, 0, List.of(entry("a", "1", 1))));

        clock.now = NOW + 1_000;
        await().atMost(WAIT).until(() -> disk.inner.read(DICT_KEY).isEmpty());
        assertThat(disk.inner.stats().slots()).isZero();
    }

    @Test
    void closeFailsQueuedAndLaterSubmissions() throws Exception {
        StorageService s = start(SETTINGS);
        CompletableFuture<SlotChange> held = holdStorageThread(s);
        CompletableFuture<SlotChange> queued = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)));

        // close waits for the batch in progress (a storage thread is never interrupted in a commit)
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
        await().atMost(WAIT).until(() -> s.fetch(DICT_KEY).isCompletedExceptionally());
        disk.release.countDown();
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(get(held).written()).hasSize(1);
        assertOverloaded(queued);
        CompletableFuture<List<StoredValue>> late = s.fetch(DICT_KEY);
        assertThat(late).isCompletedExceptionally();
        assertFails(late, OverlayException.Overloaded.class, e -> assertThat(e).hasMessageContaining("closed"));
    }

    @Test
    void closeRecordsTheTimeInService() {
        StorageService s = start(SETTINGS);
        s.close();
        assertThat(disk.aliveAt()).hasValue(NOW);
    }

    @Test
    void closeOfAnIdleServiceFailsLaterSubmissions() {
        StorageService s = start(SETTINGS);
        s.close();

        assertOverloaded(s.store(DICT_KEY, 0, List.of(entry("a", "1", 60))));
        assertOverloaded(s.update(DICT_KEY, SlotStore.CLEAR, new byte[0]));
        assertThat(disk.inner.stats().slots()).isZero();
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        volatile long now;

        MutableClock(long now) {
            this.now = now;
        }

        @Override
        public long millis() {
            return now;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
