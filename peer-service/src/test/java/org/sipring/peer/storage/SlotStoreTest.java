package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.sipring.peer.storage.StorageFixtures.ARRAY;
import static org.sipring.peer.storage.StorageFixtures.DICT;
import static org.sipring.peer.storage.StorageFixtures.NOW;
import static org.sipring.peer.storage.StorageFixtures.RETENTION;
import static org.sipring.peer.storage.StorageFixtures.SINGLE;
import static org.sipring.peer.storage.StorageFixtures.UNKNOWN_KIND;
import static org.sipring.peer.storage.StorageFixtures.assertRefused;
import static org.sipring.peer.storage.StorageFixtures.b;
import static org.sipring.peer.storage.StorageFixtures.cell;
import static org.sipring.peer.storage.StorageFixtures.deleteEntry;
import static org.sipring.peer.storage.StorageFixtures.element;
import static org.sipring.peer.storage.StorageFixtures.entry;
import static org.sipring.peer.storage.StorageFixtures.key;
import static org.sipring.peer.storage.StorageFixtures.keysOf;
import static org.sipring.peer.storage.StorageFixtures.namesOf;
import static org.sipring.peer.storage.StorageFixtures.rid;
import static org.sipring.peer.storage.StorageFixtures.s;
import static org.sipring.peer.storage.StorageFixtures.single;
import static org.sipring.peer.storage.StorageFixtures.slot;
import static org.sipring.peer.storage.StorageFixtures.slotStore;
import static org.sipring.peer.storage.StorageFixtures.tombstone;
import static org.sipring.peer.storage.StorageFixtures.valuesOf;
import static org.sipring.peer.storage.StorageFixtures.wholeRing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.LocalStorage.RangeDigest;
import org.sipring.peer.overlay.LocalStorage.SlotChange;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.SlotProcedure;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;

/** The storage operations over an in-memory DataStore: batches, commits, sweeps, scans and digests. */
class SlotStoreTest {

    private static final SlotKey DICT_KEY = key(DICT);

    private final InMemoryDataStore disk = new InMemoryDataStore();
    private final SlotStore store = slotStore(disk);

    private SlotChange storeNow(SlotKey key, long expectedGeneration, long now, StoredValue... values) {
        SlotChange c = store.store(key, expectedGeneration, List.of(values), now);
        store.commit();
        return c;
    }

    private Slot onDisk(SlotKey key) {
        return disk.read(key).orElseThrow();
    }

    @Nested
    class StoreAndFetch {

        @Test
        void storedDictionaryEntriesAreFetchedWithTheirKeysAndValues() {
            SlotChange c = storeNow(DICT_KEY, 0, NOW, entry("b", "vb", 60), entry("a", "va", 60));

            assertThat(c.slot().generation()).isEqualTo(1);
            assertThat(c.written()).containsExactlyInAnyOrder(element("a", NOW, 60, "va"), element("b", NOW, 60, "vb"));
            assertThat(c.reply()).isEmpty();
            assertThat(onDisk(DICT_KEY)).isEqualTo(c.slot());
            List<StoredValue> fetched = store.fetch(DICT_KEY, NOW);
            assertThat(keysOf(fetched)).containsExactly("a", "b");
            assertThat(valuesOf(fetched)).containsExactly("va", "vb");
            assertThat(fetched).extracting(StoredValue::storageTime).containsExactly(NOW, NOW);
        }

        @Test
        void aSecondStoreOfADictionaryKeyReplacesItAndLeavesTheOtherKeys() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "va", 60), entry("b", "vb", 60));
            SlotChange c = storeNow(DICT_KEY, 0, NOW + 100, entry("a", "va2", 120));

            assertThat(c.written()).containsExactly(element("a", NOW + 100, 120, "va2"));
            assertThat(onDisk(DICT_KEY).elements()).containsExactly(element("a", NOW + 100, 120, "va2"),
                element("b", NOW, 60, "vb"));
            assertThat(valuesOf(store.fetch(DICT_KEY, NOW + 100))).containsExactly("va2", "vb");
        }

        @Test
        void singleValueAndArrayStoresAreFetchedWithTheirIndex() {
            storeNow(key(SINGLE), 0, NOW, single("only", 60));
            storeNow(key(ARRAY), 0, NOW, cell(0, "a", 60), cell(SlotRules.APPEND, "b", 60));

            assertThat(valuesOf(store.fetch(key(SINGLE), NOW))).containsExactly("only");
            List<StoredValue> array = store.fetch(key(ARRAY), NOW);
            assertThat(array).extracting(StoredValue::index).containsExactly(0L, 1L);
            assertThat(valuesOf(array)).containsExactly("a", "b");
        }

        @Test
        void fetchOfAnEmptySlotIsEmpty() {
            assertThat(store.fetch(DICT_KEY, NOW)).isEmpty();
        }

        @Test
        void storageTimeIsStampedOneAfterTheLastUnderClockSkew() {
            storeNow(DICT_KEY, 0, NOW + 5_000, entry("a", "1", 60));
            SlotChange behind = storeNow(DICT_KEY, 0, NOW - 5_000, entry("a", "2", 60));

            assertThat(behind.written()).extracting(Element::storageTime).containsExactly(NOW + 5_001);
            assertThat(onDisk(DICT_KEY).elements()).containsExactly(element("a", NOW + 5_001, 60, "2"));
            assertThat(store.fetch(DICT_KEY, NOW - 5_000)).extracting(StoredValue::storageTime)
                .containsExactly(NOW + 5_001);
        }
    }

    @Nested
    class Refusals {

        @Test
        void aStaleGenerationIsRefusedAndTheSlotIsUnchanged() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60));
            storeNow(DICT_KEY, 1, NOW + 1, entry("a", "2", 60));
            Slot before = onDisk(DICT_KEY);
            assertThat(before.generation()).isEqualTo(2);

            assertRefused(() -> store.store(DICT_KEY, 1, List.of(entry("a", "3", 60)), NOW + 2),
                StoreRefused.GENERATION_COUNTER_TOO_LOW);
            assertThat(store.hasPendingWrites()).isFalse();
            store.commit();

            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
            assertThat(valuesOf(store.fetch(DICT_KEY, NOW + 2))).containsExactly("2");
        }

        @Test
        void aValueLargerThanMaxSizeStoresNothing() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60));
            Slot before = onDisk(DICT_KEY);

            assertRefused(() -> store.store(DICT_KEY, 0, List.of(entry("b", "2", 60), entry("c", "x".repeat(17), 60)),
                NOW + 1), StoreRefused.DATA_TOO_LARGE);
            store.commit();

            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
            assertRefused(() -> store.store(key(SINGLE), 0, List.of(single("x".repeat(17), 60)), NOW),
                StoreRefused.DATA_TOO_LARGE);
            store.commit();
            assertThat(disk.read(key(SINGLE))).isEmpty();
        }

        @Test
        void aBatchCrossingMaxCountStoresNothing() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60), entry("b", "2", 60));
            Slot before = onDisk(DICT_KEY);

            assertRefused(() -> store.store(DICT_KEY, 0, List.of(entry("c", "3", 60), entry("d", "4", 60)), NOW + 1),
                StoreRefused.DATA_TOO_LARGE);
            store.commit();

            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
            assertThat(keysOf(store.fetch(DICT_KEY, NOW + 1))).containsExactly("a", "b");
        }

        @Test
        void anArrayIndexBeyondMaxCountStoresNothing() {
            assertRefused(() -> store.store(key(ARRAY), 0, List.of(cell(1_000_000, "x", 60)), NOW),
                StoreRefused.DATA_TOO_LARGE);
            store.commit();
            assertThat(disk.read(key(ARRAY))).isEmpty();
            assertThat(disk.stats().elements()).isZero();
        }

        @Test
        void twoValuesForASingleValueKindAreInvalid() {
            assertRefused(() -> store.store(key(SINGLE), 0, List.of(single("a", 60), single("b", 60)), NOW),
                StoreRefused.INVALID_MESSAGE);
            assertThat(store.hasPendingWrites()).isFalse();
        }

        @Test
        void anUnknownKindIsRefusedByEveryOperation() {
            SlotKey unknown = new SlotKey(StorageFixtures.ALICE, UNKNOWN_KIND);

            assertRefused(() -> store.store(unknown, 0, List.of(single("a", 60)), NOW), StoreRefused.UNKNOWN_KIND)
                .hasMessageContaining("99");
            assertRefused(() -> store.fetch(unknown, NOW), StoreRefused.UNKNOWN_KIND);
            assertRefused(() -> store.update(unknown, SlotStore.CLEAR, new byte[0], NOW), StoreRefused.UNKNOWN_KIND);
            assertRefused(() -> store.storeReplica(unknown, 1, List.of(element("", NOW, 60, "a")), NOW),
                StoreRefused.UNKNOWN_KIND);
            assertThat(store.hasPendingWrites()).isFalse();
        }
    }

    @Nested
    class DeletionAndExpiry {

        @Test
        void aDeletionHidesTheValueAndItsMarkerIsSweptAfterTheRetention() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 3600));
            long deletedAt = NOW + 1_000;
            storeNow(DICT_KEY, 0, deletedAt, deleteEntry("a", 10));

            assertThat(store.fetch(DICT_KEY, deletedAt)).isEmpty();
            List<Slot> scanned = store.scan(wholeRing(), null, 10, Integer.MAX_VALUE, deletedAt);
            assertThat(scanned).hasSize(1);
            assertThat(scanned.get(0).elements()).containsExactly(tombstone("a", deletedAt, 10));
            assertThat(onDisk(DICT_KEY).purgeAt()).isEqualTo(deletedAt + RETENTION);

            assertThat(store.sweep(deletedAt + RETENTION - 1, 100)).isZero();
            store.commit();
            assertThat(onDisk(DICT_KEY).elements()).containsExactly(tombstone("a", deletedAt, 10));

            assertThat(store.sweep(deletedAt + RETENTION, 100)).isEqualTo(1);
            store.commit();
            assertThat(disk.read(DICT_KEY)).isEmpty();
            assertThat(disk.stats()).isEqualTo(new DataStore.DataStoreStats(0, 0, 0));
            assertThat(disk.duePurge(Long.MAX_VALUE, 10)).isEmpty();
        }

        @Test
        void anOlderLiveCopyMergedAfterTheDeletionDoesNotBringTheValueBack() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 3600));
            storeNow(DICT_KEY, 0, NOW + 1_000, deleteEntry("a", 3600));

            int changed = store.merge(List.of(slot(DICT_KEY, 1, element("a", NOW, 3600, "1"))), NOW + 2_000);
            store.commit();

            assertThat(changed).isZero();
            assertThat(store.fetch(DICT_KEY, NOW + 2_000)).isEmpty();
            assertThat(onDisk(DICT_KEY).elements()).containsExactly(tombstone("a", NOW + 1_000, 3600));
        }

        @Test
        void aNewerLiveCopyMergedAfterTheDeletionRestoresTheValue() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 3600));
            storeNow(DICT_KEY, 0, NOW + 1_000, deleteEntry("a", 3600));

            int changed = store.merge(List.of(slot(DICT_KEY, 3, element("a", NOW + 1_500, 3600, "again"))),
                NOW + 2_000);
            store.commit();

            assertThat(changed).isEqualTo(1);
            assertThat(valuesOf(store.fetch(DICT_KEY, NOW + 2_000))).containsExactly("again");
            assertThat(onDisk(DICT_KEY).generation()).isEqualTo(3);
        }

        @Test
        void anExpiredValueIsNotFetchedBeforeTheSweepAndTheSweepPurgesIt() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 10), entry("b", "2", 100));

            assertThat(keysOf(store.fetch(DICT_KEY, NOW + 9_999))).containsExactly("a", "b");
            assertThat(keysOf(store.fetch(DICT_KEY, NOW + 10_000))).containsExactly("b");
            assertThat(namesOf(onDisk(DICT_KEY))).as("still on disk until the sweep").containsExactly("a", "b");

            assertThat(disk.duePurge(NOW + 9_999, 10)).isEmpty();
            assertThat(disk.duePurge(NOW + 10_000, 10)).containsExactly(DICT_KEY);
            assertThat(store.sweep(NOW + 10_000, 100)).isEqualTo(1);
            store.commit();

            Slot left = onDisk(DICT_KEY);
            assertThat(left.elements()).containsExactly(element("b", NOW, 100, "2"));
            assertThat(left.generation()).isEqualTo(1);
            assertThat(left.purgeAt()).isEqualTo(NOW + 100_000);
            assertThat(disk.stats().elements()).isEqualTo(1);
            assertThat(disk.duePurge(NOW + 99_999, 10)).isEmpty();

            assertThat(store.sweep(NOW + 100_000, 100)).isEqualTo(1);
            store.commit();
            assertThat(disk.read(DICT_KEY)).as("an empty slot is removed").isEmpty();
            assertThat(disk.stats().slots()).isZero();
            assertThat(disk.duePurge(Long.MAX_VALUE, 10)).isEmpty();
        }

        @Test
        void theSweepHonoursItsLimitAndTakesTheEarliestFirst() {
            ResourceId r1 = rid(0x10, 1);
            ResourceId r2 = rid(0x20, 2);
            ResourceId r3 = rid(0x30, 3);
            storeNow(key(r1, DICT), 0, NOW, entry("a", "1", 30));
            storeNow(key(r2, DICT), 0, NOW, entry("a", "1", 10));
            storeNow(key(r3, DICT), 0, NOW, entry("a", "1", 20));

            assertThat(store.sweep(NOW + 60_000, 2)).isEqualTo(2);
            store.commit();

            assertThat(disk.read(key(r2, DICT))).isEmpty();
            assertThat(disk.read(key(r3, DICT))).isEmpty();
            assertThat(disk.read(key(r1, DICT))).isPresent();
        }
    }

    @Nested
    class Replicas {

        @Test
        void aReplicaStoreMergesNewerElements() {
            store.storeReplica(DICT_KEY, 4, List.of(element("a", NOW, 60, "1"), element("b", NOW, 60, "2")), NOW);
            store.storeReplica(DICT_KEY, 5, List.of(element("a", NOW + 10, 60, "1b")), NOW + 10);
            store.commit();

            Slot held = onDisk(DICT_KEY);
            assertThat(held.generation()).isEqualTo(5);
            assertThat(held.elements()).containsExactly(element("a", NOW + 10, 60, "1b"), element("b", NOW, 60, "2"));
        }

        @Test
        void anOlderReplicaIsRefusedAndNothingChanges() {
            store.storeReplica(DICT_KEY, 4, List.of(element("a", NOW + 10, 60, "1")), NOW + 10);
            store.commit();
            Slot before = onDisk(DICT_KEY);

            assertRefused(() -> store.storeReplica(DICT_KEY, 6,
                    List.of(element("b", NOW + 20, 60, "new"), element("a", NOW + 5, 60, "old")), NOW + 20),
                StoreRefused.DATA_TOO_OLD);
            assertThat(store.hasPendingWrites()).isFalse();
            store.commit();

            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
        }

        @Test
        void aReplicaWithAnEqualStorageTimeIsAcceptedWithoutChange() {
            store.storeReplica(DICT_KEY, 4, List.of(element("a", NOW + 10, 60, "1")), NOW + 10);
            store.commit();
            Slot before = onDisk(DICT_KEY);

            store.storeReplica(DICT_KEY, 4, List.of(element("a", NOW + 10, 60, "1")), NOW + 10);

            assertThat(store.hasPendingWrites()).isFalse();
            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
        }
    }

    @Nested
    class Merges {

        @Test
        void mergeCountsChangedSlotsAndSkipsUnknownKinds() {
            SlotKey k1 = key(rid(0x10, 1), DICT);
            SlotKey k2 = key(rid(0x20, 2), DICT);
            SlotKey k3 = key(rid(0x30, 3), DICT);
            SlotKey unknown = new SlotKey(rid(0x40, 4), UNKNOWN_KIND);
            storeNow(k1, 0, NOW, entry("a", "held", 60));
            storeNow(k2, 0, NOW + 50, entry("a", "held", 60));

            int changed = store.merge(List.of(
                slot(k1, 5, element("a", NOW + 10, 60, "newer"), element("z", NOW, 60, "z")),
                slot(k2, 1, element("a", NOW + 10, 60, "older")),
                slot(k3, 2, element("a", NOW, 60, "new slot")),
                slot(unknown, 1, element("a", NOW, 60, "x"))), NOW + 50);
            store.commit();

            assertThat(changed).isEqualTo(2);
            assertThat(onDisk(k1).generation()).isEqualTo(5);
            assertThat(onDisk(k1).elements()).containsExactly(element("a", NOW + 10, 60, "newer"),
                element("z", NOW, 60, "z"));
            assertThat(onDisk(k2).elements()).containsExactly(element("a", NOW + 50, 60, "held"));
            assertThat(onDisk(k2).generation()).isEqualTo(1);
            assertThat(onDisk(k3).generation()).isEqualTo(2);
            assertThat(disk.read(unknown)).isEmpty();
            assertThat(disk.stats().slots()).isEqualTo(3);
        }

        @Test
        void mergeIgnoresIncomingElementsAlreadyExpired() {
            int changed = store.merge(List.of(slot(DICT_KEY, 1, element("a", NOW - 20_000, 10, "gone"),
                element("b", NOW, 60, "live"))), NOW);
            store.commit();

            assertThat(changed).isEqualTo(1);
            assertThat(namesOf(onDisk(DICT_KEY))).containsExactly("b");
            assertThat(store.merge(List.of(slot(DICT_KEY, 1, element("c", NOW - 20_000, 10, "gone"))), NOW)).isZero();
        }

        @Test
        void forgetRemovesOnlySlotsStillAsHandedOver() {
            SlotKey same = key(rid(0x10, 1), DICT);
            SlotKey changed = key(rid(0x20, 2), DICT);
            SlotKey expired = key(rid(0x30, 3), DICT);
            SlotKey absent = key(rid(0x40, 4), DICT);
            store.merge(List.of(
                slot(same, 1, element("a", NOW - 50_000, 3600, "1")),
                slot(changed, 1, element("a", NOW - 50_000, 3600, "1")),
                slot(expired, 1, element("a", NOW - 50_000, 10, "1"))), NOW - 50_000);
            store.commit();
            List<Slot> handedOver = store.scan(wholeRing(), null, 10, Integer.MAX_VALUE, NOW - 50_000);
            assertThat(handedOver).hasSize(3);
            // written after the hand-over: a newer element in one slot
            store.merge(List.of(slot(changed, 2, element("b", NOW + 1, 60, "2"))), NOW + 1);
            store.commit();

            List<Slot> withAbsent = new ArrayList<>(handedOver);
            withAbsent.add(slot(absent, 1, element("a", NOW, 60, "1")));
            int removed = store.forget(withAbsent, NOW + 2);
            store.commit();

            assertThat(removed).as("the unchanged slot and the one with nothing live left").isEqualTo(2);
            assertThat(disk.read(same)).isEmpty();
            assertThat(disk.read(expired)).isEmpty();
            assertThat(namesOf(onDisk(changed))).containsExactly("a", "b");
            assertThat(disk.stats().slots()).isEqualTo(1);
        }
    }

    @Nested
    class Updates {

        private final List<List<String>> seen = new ArrayList<>();

        private final SlotProcedure add = (current, argument, now) -> {
            seen.add(keysOf(current));
            return new SlotProcedure.Outcome(List.of(entry(s(argument), "at " + now, 60)), b("n=" + current.size()));
        };

        private final SlotProcedure peek = (current, argument, now) ->
            new SlotProcedure.Outcome(List.of(), b(String.join(",", valuesOf(current))));

        private final SlotStore procs = slotStore(disk, Map.of("add", add, "peek", peek));

        @Test
        void aProcedureSeesTheLiveValuesAndItsWritesAreStampedWithANewGeneration() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60), entry("x", "gone", 1));

            SlotChange c = procs.update(DICT_KEY, "add", b("b"), NOW + 5_000);
            procs.commit();

            assertThat(seen).containsExactly(List.of("a"));
            assertThat(s(c.reply())).isEqualTo("n=1");
            assertThat(c.written()).containsExactly(element("b", NOW + 5_000, 60, "at " + (NOW + 5_000)));
            assertThat(c.slot().generation()).isEqualTo(2);
            assertThat(onDisk(DICT_KEY)).isEqualTo(c.slot());
            assertThat(keysOf(procs.fetch(DICT_KEY, NOW + 5_000))).containsExactly("a", "b");
        }

        @Test
        void updateStampsOneAfterTheLastUnderClockSkew() {
            storeNow(DICT_KEY, 0, NOW + 5_000, entry("a", "1", 60));
            SlotChange c = procs.update(DICT_KEY, "add", b("b"), NOW - 5_000);

            assertThat(c.written()).extracting(Element::storageTime).containsExactly(NOW + 5_001);
        }

        @Test
        void aProcedureWithoutWritesLeavesTheSlotAndGenerationAsTheyWere() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60), entry("b", "2", 60));
            Slot before = onDisk(DICT_KEY);

            SlotChange c = procs.update(DICT_KEY, "peek", new byte[0], NOW + 1);

            assertThat(s(c.reply())).isEqualTo("1,2");
            assertThat(c.written()).isEmpty();
            assertThat(c.slot()).isEqualTo(before);
            assertThat(procs.hasPendingWrites()).isFalse();
            procs.commit();
            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
        }

        @Test
        void aProcedureWithoutWritesOnAnEmptySlotCreatesNothing() {
            SlotChange c = procs.update(DICT_KEY, "peek", new byte[0], NOW);

            assertThat(c.slot().generation()).isZero();
            assertThat(c.slot().elements()).isEmpty();
            assertThat(procs.hasPendingWrites()).isFalse();
            assertThat(disk.read(DICT_KEY)).isEmpty();
        }

        @Test
        void anUnknownProcedureIsInvalid() {
            assertRefused(() -> procs.update(DICT_KEY, "no-such", new byte[0], NOW), StoreRefused.INVALID_MESSAGE)
                .hasMessageContaining("no-such");
        }

        @Test
        void aProcedureWhoseWritesBreakTheKindsLimitsIsRefused() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60), entry("b", "2", 60), entry("c", "3", 60));
            Slot before = onDisk(DICT_KEY);

            assertRefused(() -> procs.update(DICT_KEY, "add", b("d"), NOW + 1), StoreRefused.DATA_TOO_LARGE);
            procs.commit();
            assertThat(onDisk(DICT_KEY)).isEqualTo(before);
        }

        @Test
        void clearDeletesEveryEntry() {
            storeNow(DICT_KEY, 0, NOW, entry("a", "1", 60), entry("b", "2", 120));

            SlotChange c = store.update(DICT_KEY, SlotStore.CLEAR, new byte[0], NOW + 1_000);
            store.commit();

            assertThat(c.slot().generation()).isEqualTo(2);
            assertThat(c.written()).containsExactly(tombstone("a", NOW + 1_000, 60), tombstone("b", NOW + 1_000, 120));
            assertThat(store.fetch(DICT_KEY, NOW + 1_000)).isEmpty();
            assertThat(onDisk(DICT_KEY).elements()).containsExactly(tombstone("a", NOW + 1_000, 60),
                tombstone("b", NOW + 1_000, 120));
        }

        @Test
        void clearDeletesEveryArrayCellAndTheSingleValue() {
            storeNow(key(ARRAY), 0, NOW, cell(0, "a", 60), cell(2, "c", 60));
            storeNow(key(SINGLE), 0, NOW, single("s", 60));

            store.update(key(ARRAY), SlotStore.CLEAR, new byte[0], NOW + 1);
            store.update(key(SINGLE), SlotStore.CLEAR, new byte[0], NOW + 1);
            store.commit();

            assertThat(store.fetch(key(ARRAY), NOW + 1)).isEmpty();
            assertThat(onDisk(key(ARRAY)).elements()).hasSize(3).noneMatch(Element::exists);
            assertThat(store.fetch(key(SINGLE), NOW + 1)).isEmpty();
            assertThat(onDisk(key(SINGLE)).elements()).noneMatch(Element::exists);
        }

        @Test
        void clearOfAnEmptySlotChangesNothing() {
            SlotChange c = store.update(DICT_KEY, SlotStore.CLEAR, new byte[0], NOW);

            assertThat(c.written()).isEmpty();
            assertThat(store.hasPendingWrites()).isFalse();
        }
    }

    @Nested
    class GroupCommit {

        @Test
        void laterOperationsOfABatchSeeEarlierUncommittedWrites() {
            SlotChange first = store.store(DICT_KEY, 0, List.of(entry("a", "1", 60)), NOW);
            SlotChange second = store.store(DICT_KEY, 1, List.of(entry("b", "2", 60)), NOW);

            assertThat(second.slot().generation()).isEqualTo(2);
            assertThat(second.written()).containsExactly(element("b", NOW + 1, 60, "2"));
            assertThat(keysOf(store.fetch(DICT_KEY, NOW))).as("read through the batch").containsExactly("a", "b");
            assertThat(disk.read(DICT_KEY)).as("nothing on disk before the commit").isEmpty();
            assertThat(first.slot().generation()).isEqualTo(1);

            store.commit();

            assertThat(store.hasPendingWrites()).isFalse();
            assertThat(onDisk(DICT_KEY).elements()).containsExactly(element("a", NOW, 60, "1"),
                element("b", NOW + 1, 60, "2"));
            assertThat(onDisk(DICT_KEY).generation()).isEqualTo(2);
        }

        @Test
        void aBatchIsWrittenInOneCommit() {
            StorageFixtures.ControlledDataStore counted = new StorageFixtures.ControlledDataStore();
            SlotStore s = slotStore(counted);

            s.store(key(rid(0x10, 1), DICT), 0, List.of(entry("a", "1", 60)), NOW);
            s.store(key(rid(0x20, 2), DICT), 0, List.of(entry("a", "1", 60)), NOW);
            s.store(key(rid(0x10, 1), DICT), 0, List.of(entry("b", "2", 60)), NOW);
            s.commit();
            s.commit();

            assertThat(counted.commits).hasValue(1);
            assertThat(counted.batchSizes).containsExactly(2);
            assertThat(counted.inner.read(key(rid(0x10, 1), DICT)).orElseThrow().elements()).hasSize(2);
        }

        @Test
        void aFailingCommitLeavesNothingStored() {
            StorageFixtures.ControlledDataStore failing = new StorageFixtures.ControlledDataStore();
            failing.failNextCommit.set(true);
            SlotStore s = slotStore(failing);

            s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)), NOW);
            s.store(key(rid(0x20, 2), DICT), 0, List.of(entry("b", "2", 60)), NOW);
            assertThatThrownBy(s::commit).isInstanceOf(DataStore.StorageFailure.class);

            assertThat(s.hasPendingWrites()).as("the failed batch is dropped").isFalse();
            assertThat(failing.inner.stats()).isEqualTo(new DataStore.DataStoreStats(0, 0, 0));
            assertThat(s.fetch(DICT_KEY, NOW)).isEmpty();

            SlotChange again = s.store(DICT_KEY, 0, List.of(entry("a", "1", 60)), NOW);
            s.commit();
            assertThat(again.slot().generation()).as("the lost store left no generation behind").isEqualTo(1);
            assertThat(keysOf(s.fetch(DICT_KEY, NOW))).containsExactly("a");
        }
    }

    @Nested
    class Scans {

        private final ResourceId[] resources = {rid(0x10, 1), rid(0x30, 3), rid(0x50, 5), rid(0x90, 9),
            rid(0xe0, 0xe)};

        /** Each slot: one element named "k" with an 8-byte value: 1 + 8 + 21 = 30 bytes. */
        private void fill() {
            for (ResourceId r : resources) {
                storeNow(key(r, DICT), 0, NOW, entry("k", "12345678", 60));
            }
        }

        private List<ResourceId> resourcesOf(List<Slot> slots) {
            return slots.stream().map(x -> x.key().resource()).toList();
        }

        @Test
        void aScanStopsAtMaxSlotsAndResumesAfterTheCursor() {
            fill();
            List<Slot> first = store.scan(wholeRing(), null, 2, Integer.MAX_VALUE, NOW);
            List<Slot> second = store.scan(wholeRing(), first.get(1).key(), 2, Integer.MAX_VALUE, NOW);
            List<Slot> third = store.scan(wholeRing(), second.get(1).key(), 2, Integer.MAX_VALUE, NOW);
            List<Slot> done = store.scan(wholeRing(), third.get(0).key(), 2, Integer.MAX_VALUE, NOW);

            assertThat(resourcesOf(first)).containsExactly(resources[0], resources[1]);
            assertThat(resourcesOf(second)).containsExactly(resources[2], resources[3]);
            assertThat(resourcesOf(third)).containsExactly(resources[4]);
            assertThat(done).isEmpty();
        }

        @Test
        void aScanStopsOnceMaxBytesAreReachedButShipsAtLeastOneSlot() {
            fill();
            assertThat(store.scan(wholeRing(), null, 10, 1, NOW)).hasSize(1);
            assertThat(store.scan(wholeRing(), null, 10, 30, NOW)).hasSize(1);
            assertThat(store.scan(wholeRing(), null, 10, 31, NOW)).hasSize(2);
            assertThat(store.scan(wholeRing(), null, 10, 60, NOW)).hasSize(2);
            assertThat(store.scan(wholeRing(), null, 10, 61, NOW)).hasSize(3);
            assertThat(store.scan(wholeRing(), null, 10, Integer.MAX_VALUE, NOW)).hasSize(5)
                .allSatisfy(x -> assertThat(x.size()).isEqualTo(30));
        }

        @Test
        void aScanOfAWrappingRangeGoesInRingOrderFromItsStart() {
            fill();
            IdInterval wrapping = IdInterval.openClosed(rid(0x80, 0), rid(0x30, 3));

            assertThat(resourcesOf(store.scan(wrapping, null, 10, Integer.MAX_VALUE, NOW)))
                .containsExactly(resources[3], resources[4], resources[0], resources[1]);
            List<Slot> part = store.scan(wrapping, null, 2, Integer.MAX_VALUE, NOW);
            assertThat(resourcesOf(store.scan(wrapping, part.get(1).key(), 10, Integer.MAX_VALUE, NOW)))
                .containsExactly(resources[0], resources[1]);
        }

        @Test
        void aScanDoesNotShipElementsDueForPurging() {
            storeNow(key(resources[0], DICT), 0, NOW, entry("gone", "x", 10), entry("kept", "y", 100));
            storeNow(key(resources[1], DICT), 0, NOW, entry("gone", "x", 10));
            storeNow(key(resources[2], DICT), 0, NOW, deleteEntry("dead", 1));
            storeNow(key(resources[3], DICT), 0, NOW, entry("kept", "y", 100));

            List<Slot> at = store.scan(wholeRing(), null, 10, Integer.MAX_VALUE, NOW + RETENTION);

            assertThat(resourcesOf(at)).containsExactly(resources[0], resources[3]);
            assertThat(namesOf(at.get(0))).containsExactly("kept");
            assertThat(at.get(0).purgeAt()).isEqualTo(NOW + 100_000);
            assertThat(store.scan(wholeRing(), null, 1, Integer.MAX_VALUE, NOW + RETENTION))
                .as("purged slots do not use up maxSlots").extracting(x -> x.key().resource())
                .containsExactly(resources[0]);
        }

        @Test
        void aScanCommitsTheBatchFirst() {
            store.store(DICT_KEY, 0, List.of(entry("a", "1", 60)), NOW);
            assertThat(store.scan(wholeRing(), null, 10, Integer.MAX_VALUE, NOW)).hasSize(1);
            assertThat(disk.read(DICT_KEY)).isPresent();
        }
    }

    @Nested
    class Digests {

        private final ResourceId[] resources = {rid(0x10, 1), rid(0x50, 5), rid(0x90, 9), rid(0xd0, 0xd)};
        private final InMemoryDataStore otherDisk = new InMemoryDataStore();
        private final SlotStore other = slotStore(otherDisk);

        private List<Slot> content() {
            List<Slot> slots = new ArrayList<>();
            for (int i = 0; i < resources.length; i++) {
                slots.add(slot(key(resources[i], DICT), i + 1, element("a", NOW + i, 60, "v" + i),
                    tombstone("b", NOW + i, 60)));
            }
            return slots;
        }

        @Test
        void identicalContentGivesIdenticalDigests() {
            assertThat(store.merge(content(), NOW)).isEqualTo(4);
            List<Slot> reversed = new ArrayList<>(content());
            java.util.Collections.reverse(reversed);
            assertThat(other.merge(reversed, NOW)).isEqualTo(4);

            RangeDigest mine = store.digest(wholeRing(), 4, NOW + 1_000, NOW);
            RangeDigest theirs = other.digest(wholeRing(), 4, NOW + 1_000, NOW);

            assertThat(mine).isEqualTo(theirs);
            assertThat(mine.counts()).containsExactly(1L, 1L, 1L, 1L);
            assertThat(mine.hashes()).doesNotContain(0L).doesNotHaveDuplicates();
        }

        @Test
        void oneDifferingElementChangesExactlyOneBucket() {
            store.merge(content(), NOW);
            other.merge(content(), NOW);
            other.merge(List.of(slot(key(resources[2], DICT), 3, element("a", NOW + 10, 60, "changed"))), NOW + 10);

            RangeDigest mine = store.digest(wholeRing(), 4, NOW + 1_000, NOW + 10);
            RangeDigest theirs = other.digest(wholeRing(), 4, NOW + 1_000, NOW + 10);

            assertThat(theirs.counts()).isEqualTo(mine.counts());
            for (int i = 0; i < 4; i++) {
                if (i == 2) {
                    assertThat(theirs.hashes().get(i)).isNotEqualTo(mine.hashes().get(i));
                } else {
                    assertThat(theirs.hashes().get(i)).as("bucket %d", i).isEqualTo(mine.hashes().get(i));
                }
            }
        }

        @Test
        void aDifferentGenerationOrLifetimeChangesTheBucket() {
            store.merge(content(), NOW);
            other.merge(content(), NOW);
            other.merge(List.of(slot(key(resources[0], DICT), 7)), NOW);
            RangeDigest a = store.digest(wholeRing(), 4, NOW + 1_000, NOW);
            RangeDigest b = other.digest(wholeRing(), 4, NOW + 1_000, NOW);

            assertThat(b.hashes().get(0)).isNotEqualTo(a.hashes().get(0));
            assertThat(b.hashes().subList(1, 4)).isEqualTo(a.hashes().subList(1, 4));
        }

        @Test
        void slotsStoredAtOrAfterSettledBeforeAreLeftOut() {
            store.merge(content(), NOW);

            assertThat(store.digest(wholeRing(), 4, NOW + 2, NOW).counts()).containsExactly(1L, 1L, 0L, 0L);
            assertThat(store.digest(wholeRing(), 4, NOW, NOW).counts()).containsExactly(0L, 0L, 0L, 0L);
            assertThat(store.digest(wholeRing(), 4, NOW, NOW).hashes()).containsOnly(0L);
        }

        @Test
        void elementsDueForPurgingDoNotEnterTheDigest() {
            store.merge(List.of(slot(key(resources[0], DICT), 1, element("a", NOW, 10, "x"), element("b", NOW, 60, "y"))),
                NOW);
            other.merge(List.of(slot(key(resources[0], DICT), 1, element("b", NOW, 60, "y"))), NOW);

            assertThat(store.digest(wholeRing(), 2, NOW + 1, NOW + 10_000))
                .isEqualTo(other.digest(wholeRing(), 2, NOW + 1, NOW + 10_000));
            store.merge(List.of(slot(key(resources[1], DICT), 1, element("a", NOW, 10, "x"))), NOW);
            assertThat(store.digest(wholeRing(), 2, NOW + 1, NOW + 10_000).counts()).containsExactly(1L, 0L);
        }

        @Test
        void aSlotAtTheRangeStartFallsInTheLastBucketOfTheWholeRing() {
            ResourceId start = rid(0x40, 0);
            store.merge(List.of(slot(key(start, DICT), 1, element("a", NOW, 60, "x")),
                slot(key(rid(0x40, 1), DICT), 1, element("a", NOW, 60, "x"))), NOW);

            RangeDigest d = store.digest(IdInterval.openClosed(start, start), 4, NOW + 1, NOW);

            assertThat(d.counts()).containsExactly(1L, 0L, 0L, 1L);
        }

        @Test
        void aWrappingRangePutsEachSlotOfTheRangeInItsArc() {
            store.merge(content(), NOW);
            store.merge(List.of(slot(key(rid(0x40, 0), DICT), 1, element("a", NOW, 60, "at end")),
                slot(key(rid(0xc0, 0), DICT), 1, element("a", NOW, 60, "at start, left out")),
                slot(key(rid(0xc0, 1), DICT), 1, element("a", NOW, 60, "just after start"))), NOW);

            // (0xc0.., 0x40..]: half the ring; two arcs (0xc0.., 0x00..] and (0x00.., 0x40..]
            RangeDigest d = store.digest(IdInterval.openClosed(rid(0xc0, 0), rid(0x40, 0)), 2, NOW + 1_000, NOW);

            // arc 0: 0xc0..01, 0xd0..; arc 1: 0x10.., 0x40..00
            assertThat(d.counts()).containsExactly(2L, 2L);
        }
    }
}
