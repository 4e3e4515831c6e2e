package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipring.peer.storage.StorageFixtures.BIG_DICT;
import static org.sipring.peer.storage.StorageFixtures.NOW;
import static org.sipring.peer.storage.StorageFixtures.b;
import static org.sipring.peer.storage.StorageFixtures.entry;
import static org.sipring.peer.storage.StorageFixtures.key;
import static org.sipring.peer.storage.StorageFixtures.keysOf;
import static org.sipring.peer.storage.StorageFixtures.s;
import static org.sipring.peer.storage.StorageFixtures.slotStore;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.LocalStorage.SlotChange;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;

/** Atomic slot updates from several threads through the storage thread: none is lost, none interleaves. */
class AtomicUpdateConcurrencyTest {

    private static final int THREADS = 3;
    private static final int UPDATES_PER_THREAD = 300;
    private static final int TOTAL = THREADS * UPDATES_PER_THREAD;

    /** Adds the entry named by the argument; replies how many entries it saw before. */
    private static final SlotProcedure APPEND = (current, argument, now) -> {
        for (StoredValue v : current) {
            if (s(v.key()).equals(s(argument))) {
                throw new IllegalStateException("entry added twice: " + s(argument));
            }
        }
        return new SlotProcedure.Outcome(List.of(entry(s(argument), "v", 3600)),
            ByteBuffer.allocate(4).putInt(current.size()).array());
    };

    private static final SlotProcedure PEEK = (current, argument, now) -> new SlotProcedure.Outcome(List.of(),
        new byte[0]);

    @Test
    void concurrentAppendsAreAllKeptAndEachRaisesTheGenerationByOne() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
        SlotKey key = key(BIG_DICT);
        try (StorageService service = StorageService.start(
            slotStore(new InMemoryDataStore(), Map.of("append", APPEND, "peek", PEEK)), clock,
            new StorageService.Settings(TOTAL + 100, 64, 60_000, 100, 2_000), "storage-concurrency")) {

            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<List<CompletableFuture<SlotChange>>>> submitters = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                submitters.add(pool.submit(() -> {
                    go.await();
                    List<CompletableFuture<SlotChange>> fs = new ArrayList<>();
                    for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                        fs.add(service.update(key, "append", b("t" + thread + "-" + i)));
                    }
                    return fs;
                }));
            }
            go.countDown();
            List<CompletableFuture<SlotChange>> all = new ArrayList<>();
            for (Future<List<CompletableFuture<SlotChange>>> f : submitters) {
                all.addAll(f.get(30, TimeUnit.SECONDS));
            }
            pool.shutdown();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            Set<String> expected = new HashSet<>();
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < UPDATES_PER_THREAD; i++) {
                    expected.add("t" + t + "-" + i);
                }
            }
            List<StoredValue> values = service.fetch(key).get(10, TimeUnit.SECONDS);
            assertThat(values).hasSize(TOTAL);
            assertThat(new HashSet<>(keysOf(values))).isEqualTo(expected);

            SlotChange last = service.update(key, "peek", new byte[0]).get(10, TimeUnit.SECONDS);
            assertThat(last.slot().generation()).isEqualTo(TOTAL);
            assertThat(last.slot().lastStorageTime()).as("each update stamped one after the last")
                .isEqualTo(NOW + TOTAL - 1);

            List<Integer> seen = all.stream().map(f -> ByteBuffer.wrap(f.join().reply()).getInt()).sorted().toList();
            assertThat(seen).as("every update saw the slot after all earlier ones")
                .isEqualTo(IntStream.range(0, TOTAL).boxed().toList());
            assertThat(all.stream().map(f -> f.join().slot().generation()).sorted().toList())
                .isEqualTo(IntStream.rangeClosed(1, TOTAL).mapToObj(i -> (long) i).toList());
        }
    }
}
