package org.sipring.peer.storage.bdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.DataStore.DataStoreStats;
import org.sipring.peer.storage.DataStore.StorageFailure;
import org.sipring.peer.storage.Durability;

/** What the Berkeley DB adapter adds to the contract: persistence, damage detection, its settings. */
class BdbDataStoreTest {

    @TempDir
    Path dir;

    private static final IdInterval WHOLE_RING = IdInterval.openClosed(new ResourceId(0, 0), new ResourceId(0, 0));

    private static Slot slot(int i, long purgeAt) {
        byte[] value = ("value " + i).getBytes(StandardCharsets.UTF_8);
        return new Slot(new SlotKey(ResourceId.ofName("resource " + i), i % 3), i,
            List.of(new Element(new byte[] {(byte) i}, 1000L + i, 60, true, value),
                new Element(new byte[] {(byte) i, 1}, 2000L + i, 0, false, null)), purgeAt);
    }

    @Test
    void slotsThePurgeIndexAndTheCountsSurviveCloseAndReopen() {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            slots.add(slot(i, i % 2 == 0 ? 10_000 + i : Long.MAX_VALUE));
        }
        List<Slot> scanned;
        List<SlotKey> due;
        DataStoreStats stats;
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            store.commit(slots, List.of());
            store.commit(List.of(), List.of(slots.get(0).key()));
            scanned = store.scan(WHOLE_RING, null, 1000);
            due = store.duePurge(Long.MAX_VALUE, 1000);
            stats = store.stats();
        }
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            for (Slot s : slots.subList(1, slots.size())) {
                assertThat(store.read(s.key())).contains(s);
            }
            assertThat(store.read(slots.get(0).key())).isEmpty();
            assertThat(store.scan(WHOLE_RING, null, 1000)).hasSize(199).isEqualTo(scanned);
            assertThat(store.duePurge(Long.MAX_VALUE, 1000)).hasSize(99).isEqualTo(due);
            assertThat(store.stats().slots()).isEqualTo(199).isEqualTo(stats.slots());
            assertThat(store.stats().elements()).isEqualTo(398).isEqualTo(stats.elements());
        }
    }

    @Test
    void theTimeInServiceSurvivesCloseAndReopen() {
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            store.markAlive(1_700_000_000_000L);
        }
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            assertThat(store.aliveAt()).hasValue(1_700_000_000_000L);
            assertThat(store.stats().slots()).as("the record is not a slot").isZero();
        }
    }

    @Test
    void closeIsIdempotentAndTheClosedStoreRefusesWork() {
        BdbDataStore store = BdbDataStore.open(TestStores.small(dir));
        store.close();
        store.close();
        assertThatThrownBy(() -> store.read(slot(1, 0).key())).isInstanceOf(IllegalStateException.class);
        try (BdbDataStore again = BdbDataStore.open(TestStores.small(dir))) {
            assertThat(again.stats().slots()).isZero();
        }
    }

    @Test
    void theDirectoryIsCreatedWhenMissing() {
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir.resolve("missing").resolve("deeper")))) {
            assertThat(Files.isDirectory(dir.resolve("missing").resolve("deeper"))).isTrue();
        }
    }

    @Test
    void anUndecodableValueIsAStorageFailureNotGarbage() {
        Slot good = slot(1, 500);
        Slot damaged = slot(2, 600);
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            store.commit(List.of(good, damaged), List.of());
            RawJe.putSlotValue(dir, damaged.key(), new byte[] {SlotCodec.FORMAT, 1, 2, 3});
            assertThatThrownBy(() -> store.read(damaged.key()))
                .isInstanceOf(StorageFailure.class)
                .hasMessageContaining(damaged.key().resource().toHex())
                .hasMessageContaining("undecodable value")
                .hasMessageContaining("truncated");
            assertThatThrownBy(() -> store.scan(WHOLE_RING, null, 10)).isInstanceOf(StorageFailure.class);
            assertThat(store.read(good.key())).contains(good);

            RawJe.putSlotValue(dir, damaged.key(), new byte[] {9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            assertThatThrownBy(() -> store.read(damaged.key()))
                .isInstanceOf(StorageFailure.class).hasMessageContaining("unknown format 9");
        }
        assertThatThrownBy(() -> BdbDataStore.open(TestStores.small(dir)))
            .isInstanceOf(StorageFailure.class).hasMessageContaining("unknown format 9");
    }

    @Test
    void aFailingCommitStoresNothing() {
        Slot damaged = slot(2, 600);
        Slot fresh = slot(3, 100);
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            store.commit(List.of(damaged), List.of());
            RawJe.putSlotValue(dir, damaged.key(), new byte[] {SlotCodec.FORMAT});
            DataStoreStats before = store.stats();

            assertThatThrownBy(() -> store.commit(List.of(fresh, slot(2, 700)), List.of()))
                .isInstanceOf(StorageFailure.class);

            assertThat(store.read(fresh.key())).isEmpty();
            assertThat(store.duePurge(Long.MAX_VALUE, 10)).containsExactly(damaged.key());
            assertThat(store.stats().slots()).isEqualTo(before.slots());
            assertThat(store.stats().elements()).isEqualTo(before.elements());
            store.commit(List.of(fresh), List.of());
            assertThat(store.read(fresh.key())).contains(fresh);
        }
    }

    @Test
    void bytesOnDiskGrowWithTheData() {
        try (BdbDataStore store = BdbDataStore.open(TestStores.small(dir))) {
            long empty = store.stats().bytesOnDisk();
            byte[] big = new byte[100_000];
            for (int i = 0; i < 20; i++) {
                store.commit(List.of(new Slot(new SlotKey(ResourceId.ofName("big " + i), 1), 1,
                    List.of(new Element(null, 1, 60, true, big)), Long.MAX_VALUE)), List.of());
            }
            assertThat(store.stats().bytesOnDisk()).isGreaterThan(empty + 2_000_000);
        }
    }

    @Test
    void onlyWriteNoSyncWithAnIntervalRunsTheBackgroundFsync() {
        // other stores in this JVM may run flush threads of their own: count relative to now
        long before = flushThreads();
        BdbSettings every50ms = TestStores.small(dir).withFlushInterval(Duration.ofMillis(50));
        try (BdbDataStore store = BdbDataStore.open(every50ms)) {
            assertThat(flushThreads()).isEqualTo(before + 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> flushThreads() == before);
        try (BdbDataStore store = BdbDataStore.open(every50ms.withDurability(Durability.SYNC))) {
            assertThat(flushThreads()).isEqualTo(before);
        }
        try (BdbDataStore store = BdbDataStore.open(every50ms.withFlushInterval(Duration.ZERO))) {
            assertThat(flushThreads()).isEqualTo(before);
        }
    }

    private static long flushThreads() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("bdb-log-flush") && t.isAlive()).count();
    }

    @Test
    void everyDurabilityCommitsAndReadsBack() {
        for (Durability d : Durability.values()) {
            Path sub = dir.resolve(d.name());
            try (BdbDataStore store = BdbDataStore.open(TestStores.small(sub).withDurability(d))) {
                store.commit(List.of(slot(1, 5)), List.of());
            }
            try (BdbDataStore store = BdbDataStore.open(TestStores.small(sub))) {
                assertThat(store.read(slot(1, 5).key())).as("%s", d).contains(slot(1, 5));
            }
        }
    }
}
