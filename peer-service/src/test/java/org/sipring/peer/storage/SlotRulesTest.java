package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipring.peer.storage.StorageFixtures.ARRAY;
import static org.sipring.peer.storage.StorageFixtures.DICT;
import static org.sipring.peer.storage.StorageFixtures.NOW;
import static org.sipring.peer.storage.StorageFixtures.RETENTION;
import static org.sipring.peer.storage.StorageFixtures.RULES;
import static org.sipring.peer.storage.StorageFixtures.SINGLE;
import static org.sipring.peer.storage.StorageFixtures.assertRefused;
import static org.sipring.peer.storage.StorageFixtures.b;
import static org.sipring.peer.storage.StorageFixtures.cell;
import static org.sipring.peer.storage.StorageFixtures.deleteEntry;
import static org.sipring.peer.storage.StorageFixtures.element;
import static org.sipring.peer.storage.StorageFixtures.entry;
import static org.sipring.peer.storage.StorageFixtures.key;
import static org.sipring.peer.storage.StorageFixtures.keysOf;
import static org.sipring.peer.storage.StorageFixtures.namesOf;
import static org.sipring.peer.storage.StorageFixtures.s;
import static org.sipring.peer.storage.StorageFixtures.single;
import static org.sipring.peer.storage.StorageFixtures.slot;
import static org.sipring.peer.storage.StorageFixtures.tombstone;
import static org.sipring.peer.storage.StorageFixtures.valuesOf;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;

/** The RELOAD storage rules (RFC 6940 §7) as pure functions of a slot's content. */
class SlotRulesTest {

    private static final SlotKey SINGLE_KEY = key(SINGLE);
    private static final SlotKey ARRAY_KEY = key(ARRAY);
    private static final SlotKey DICT_KEY = key(DICT);

    private static SlotRules.Applied store(Optional<Slot> current, SlotKey key, KindSpec spec, long expected,
                                           long now, StoredValue... values) {
        return RULES.store(current, key, spec, expected, List.of(values), now);
    }

    private static Slot storeDict(Optional<Slot> current, long now, StoredValue... values) {
        return store(current, DICT_KEY, DICT, 0, now, values).slot();
    }

    private static byte[] index(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    @Nested
    class DataModels {

        @Test
        void singleValueIsStoredUnderAnEmptyNameAndFetchedWithItsFields() {
            SlotRules.Applied a = store(Optional.empty(), SINGLE_KEY, SINGLE, 0, NOW, single("v1", 60));

            assertThat(a.slot().key()).isEqualTo(SINGLE_KEY);
            assertThat(a.slot().generation()).isEqualTo(1);
            assertThat(a.slot().elements()).containsExactly(new Element(new byte[0], NOW, 60, true, b("v1")));
            assertThat(a.written()).isEqualTo(a.slot().elements());
            assertThat(a.slot().purgeAt()).isEqualTo(NOW + 60_000);

            List<StoredValue> live = RULES.live(Optional.of(a.slot()), DataModel.SINGLE, NOW);
            assertThat(live).hasSize(1);
            StoredValue v = live.get(0);
            assertThat(v.storageTime()).isEqualTo(NOW);
            assertThat(v.lifetime()).isEqualTo(60);
            assertThat(v.index()).isZero();
            assertThat(v.key()).isEmpty();
            assertThat(v.exists()).isTrue();
            assertThat(s(v.value())).isEqualTo("v1");
        }

        @Test
        void aSecondSingleValueReplacesTheFirst() {
            Slot first = store(Optional.empty(), SINGLE_KEY, SINGLE, 0, NOW, single("v1", 60)).slot();
            Slot second = store(Optional.of(first), SINGLE_KEY, SINGLE, 0, NOW + 1000, single("v2", 30)).slot();

            assertThat(second.generation()).isEqualTo(2);
            assertThat(second.elements()).containsExactly(new Element(new byte[0], NOW + 1000, 30, true, b("v2")));
        }

        @Test
        void singleValueKindRefusesTwoValuesInOneStore() {
            assertRefused(() -> store(Optional.empty(), SINGLE_KEY, SINGLE, 0, NOW, single("a", 60), single("b", 60)),
                StoreRefused.INVALID_MESSAGE);
        }

        @Test
        void dictionaryEntriesAreNamedByKeyAndFetchedWithTheirKeys() {
            Slot slot = storeDict(Optional.empty(), NOW, entry("b", "vb", 60), entry("a", "va", 60));

            assertThat(namesOf(slot)).containsExactly("a", "b");
            List<StoredValue> live = RULES.live(Optional.of(slot), DataModel.DICTIONARY, NOW);
            assertThat(keysOf(live)).containsExactly("a", "b");
            assertThat(valuesOf(live)).containsExactly("va", "vb");
            assertThat(live).allSatisfy(v -> assertThat(v.index()).isZero());
        }

        @Test
        void storingADictionaryKeyAgainReplacesOnlyThatEntry() {
            Slot first = storeDict(Optional.empty(), NOW, entry("a", "va", 60), entry("b", "vb", 60));
            Slot second = storeDict(Optional.of(first), NOW + 10, entry("a", "va2", 90));

            assertThat(second.generation()).isEqualTo(2);
            assertThat(second.elements()).containsExactly(
                element("a", NOW + 10, 90, "va2"),
                element("b", NOW, 60, "vb"));
        }

        @Test
        void arrayEntriesAreNamedByTheirFourByteIndexAndFetchedWithIt() {
            Slot slot = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW,
                cell(1, "one", 60), cell(0, "zero", 60)).slot();

            assertThat(slot.elements()).extracting(Element::name).containsExactly(index(0), index(1));
            List<StoredValue> live = RULES.live(Optional.of(slot), DataModel.ARRAY, NOW);
            assertThat(live).extracting(StoredValue::index).containsExactly(0L, 1L);
            assertThat(valuesOf(live)).containsExactly("zero", "one");
            assertThat(live).allSatisfy(v -> assertThat(v.key()).isEmpty());
        }

        @Test
        void appendGoesAfterTheLastEntry() {
            Slot slot = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(0, "a", 60), cell(1, "b", 60)).slot();
            Slot appended = store(Optional.of(slot), ARRAY_KEY, ARRAY, 0, NOW + 1,
                cell(SlotRules.APPEND, "c", 60)).slot();

            List<StoredValue> live = RULES.live(Optional.of(appended), DataModel.ARRAY, NOW + 1);
            assertThat(live).extracting(StoredValue::index).containsExactly(0L, 1L, 2L);
            assertThat(valuesOf(live)).containsExactly("a", "b", "c");
        }

        @Test
        void appendsToAnEmptyArrayStartAtZeroAndFollowEachOtherWithinOneStore() {
            SlotRules.Applied a = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW,
                cell(SlotRules.APPEND, "a", 60), cell(SlotRules.APPEND, "b", 60));

            assertThat(a.written()).extracting(Element::name).containsExactly(index(0), index(1));
            assertThat(RULES.live(Optional.of(a.slot()), DataModel.ARRAY, NOW))
                .extracting(StoredValue::index).containsExactly(0L, 1L);
        }

        @Test
        void appendAfterADeletedLastEntryDoesNotReuseItsIndex() {
            Slot slot = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(0, "a", 60), cell(1, "b", 60)).slot();
            Slot deleted = store(Optional.of(slot), ARRAY_KEY, ARRAY, 0, NOW + 1,
                new StoredValue(0, 60, 1, null, false, null)).slot();
            Slot appended = store(Optional.of(deleted), ARRAY_KEY, ARRAY, 0, NOW + 2,
                cell(SlotRules.APPEND, "c", 60)).slot();

            assertThat(RULES.live(Optional.of(appended), DataModel.ARRAY, NOW + 2))
                .extracting(StoredValue::index).containsExactly(0L, 2L);
        }

        @Test
        void storingBeyondTheEndFillsTheGapWithNonExistentEntriesThatFetchDoesNotReturn() {
            Slot slot = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(0, "a", 60)).slot();
            SlotRules.Applied a = store(Optional.of(slot), ARRAY_KEY, ARRAY, 0, NOW + 5, cell(3, "d", 60));

            assertThat(a.slot().elements()).containsExactly(
                new Element(index(0), NOW, 60, true, b("a")),
                new Element(index(1), NOW + 5, 60, false, null),
                new Element(index(2), NOW + 5, 60, false, null),
                new Element(index(3), NOW + 5, 60, true, b("d")));
            assertThat(a.written()).as("replicas get the gap entries too")
                .extracting(Element::name).containsExactlyInAnyOrder(index(1), index(2), index(3));
            List<StoredValue> live = RULES.live(Optional.of(a.slot()), DataModel.ARRAY, NOW + 5);
            assertThat(live).extracting(StoredValue::index).containsExactly(0L, 3L);
        }

        @Test
        void theLastIndexWithinMaxCountIsAccepted() {
            Slot slot = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(4, "e", 60)).slot();

            assertThat(slot.elements()).hasSize(5);
            assertThat(slot.elements()).filteredOn(Element::exists).extracting(Element::name).containsExactly(index(4));
        }

        @Test
        void anIndexBeyondMaxCountIsRefusedWithoutFillingTheGap() {
            assertRefused(() -> store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(5, "f", 60)),
                StoreRefused.DATA_TOO_LARGE);
            // refused before filling four billion gap entries
            assertRefused(() -> store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(0xfffffffeL, "f", 60)),
                StoreRefused.DATA_TOO_LARGE).hasMessageContaining("4294967294");
        }

        @Test
        void arrayIndicesOutsideUint32AreInvalid() {
            assertRefused(() -> store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(-1, "x", 60)),
                StoreRefused.INVALID_MESSAGE);
            assertRefused(() -> store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(0x1_0000_0000L, "x", 60)),
                StoreRefused.INVALID_MESSAGE);
        }
    }

    @Nested
    class StorageTime {

        @Test
        void aStoreIsStampedWithNowWhenNowIsLater() {
            Slot first = storeDict(Optional.empty(), NOW, entry("a", "1", 60));
            Slot second = storeDict(Optional.of(first), NOW + 7, entry("a", "2", 60));

            assertThat(second.elements()).extracting(Element::storageTime).containsExactly(NOW + 7);
        }

        @Test
        void aStoreFromAClockFiveSecondsBehindIsStampedOneAfterTheLast() {
            // The forwarding peer's clock runs 5 s ahead on the first store and 5 s behind on the next.
            Slot ahead = storeDict(Optional.empty(), NOW + 5_000, entry("a", "1", 60));
            SlotRules.Applied behind = store(Optional.of(ahead), DICT_KEY, DICT, 0, NOW - 5_000, entry("a", "2", 60));

            assertThat(ahead.lastStorageTime()).isEqualTo(NOW + 5_000);
            assertThat(behind.written()).extracting(Element::storageTime).containsExactly(NOW + 5_001);
            assertThat(behind.slot().elements()).containsExactly(element("a", NOW + 5_001, 60, "2"));
            assertThat(behind.slot().generation()).isEqualTo(2);
        }

        @Test
        void stampingFollowsTheLatestElementEvenWhenADifferentEntryIsStored() {
            Slot held = storeDict(Optional.empty(), NOW + 5_000, entry("a", "1", 60));
            Slot next = storeDict(Optional.of(held), NOW - 5_000, entry("b", "2", 60));

            assertThat(next.elements()).containsExactly(element("a", NOW + 5_000, 60, "1"),
                element("b", NOW + 5_001, 60, "2"));
        }

        @Test
        void stampingFollowsADeletionMarker() {
            Slot held = storeDict(Optional.empty(), NOW, entry("a", "1", 60));
            Slot deleted = storeDict(Optional.of(held), NOW + 5_000, deleteEntry("a", 60));
            Slot next = storeDict(Optional.of(deleted), NOW, entry("b", "2", 60));

            assertThat(next.elements()).extracting(Element::storageTime).containsExactly(NOW + 5_000, NOW + 5_001);
        }

        @Test
        void successiveRefreshesAtTheSameNowStrictlyIncrease() {
            Optional<Slot> slot = Optional.empty();
            List<Long> stamps = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                slot = Optional.of(storeDict(slot, NOW, entry("a", "v" + i, 60)));
                stamps.add(slot.get().lastStorageTime());
            }
            assertThat(stamps).containsExactly(NOW, NOW + 1, NOW + 2, NOW + 3, NOW + 4, NOW + 5, NOW + 6, NOW + 7,
                NOW + 8, NOW + 9);
            assertThat(slot.get().generation()).isEqualTo(10);
        }

    }

    @Nested
    class Generation {

        @Test
        void firstStoreGivesOneAndEachChangeAddsOne() {
            Slot g1 = storeDict(Optional.empty(), NOW, entry("a", "1", 60));
            Slot g2 = storeDict(Optional.of(g1), NOW, entry("b", "2", 60));
            Slot g3 = storeDict(Optional.of(g2), NOW, deleteEntry("a", 60));

            assertThat(List.of(g1.generation(), g2.generation(), g3.generation())).containsExactly(1L, 2L, 3L);
        }

        @Test
        void aStoreNamingTheCurrentGenerationSucceeds() {
            Slot g2 = storeDict(Optional.of(storeDict(Optional.empty(), NOW, entry("a", "1", 60))), NOW,
                entry("a", "2", 60));
            Slot g3 = store(Optional.of(g2), DICT_KEY, DICT, 2, NOW + 10, entry("a", "3", 60)).slot();

            assertThat(g2.generation()).isEqualTo(2);
            assertThat(g3.generation()).isEqualTo(3);
            assertThat(g3.elements()).containsExactly(element("a", NOW + 10, 60, "3"));
        }

        @Test
        void aStaleGenerationIsRefused() {
            Slot g2 = storeDict(Optional.of(storeDict(Optional.empty(), NOW, entry("a", "1", 60))), NOW,
                entry("a", "2", 60));

            assertRefused(() -> store(Optional.of(g2), DICT_KEY, DICT, 1, NOW + 1, entry("a", "3", 60)),
                StoreRefused.GENERATION_COUNTER_TOO_LOW).hasMessageContaining("generation 1");
            assertRefused(() -> store(Optional.of(g2), DICT_KEY, DICT, 3, NOW + 1, entry("a", "3", 60)),
                StoreRefused.GENERATION_COUNTER_TOO_LOW);
        }

        @Test
        void aGenerationNamedForASlotThatDoesNotExistIsRefused() {
            assertRefused(() -> store(Optional.empty(), DICT_KEY, DICT, 1, NOW, entry("a", "1", 60)),
                StoreRefused.GENERATION_COUNTER_TOO_LOW);
        }
    }

    @Nested
    class Limits {

        @Test
        void aValueOfExactlyMaxSizeIsAccepted() {
            Slot slot = storeDict(Optional.empty(), NOW, entry("a", "x".repeat(16), 60));
            assertThat(slot.elements().get(0).value()).hasSize(16);
        }

        @Test
        void aValueLargerThanMaxSizeIsRefused() {
            Slot held = storeDict(Optional.empty(), NOW, entry("a", "1", 60));
            assertRefused(() -> storeDict(Optional.of(held), NOW, entry("b", "2", 60), entry("c", "x".repeat(17), 60)),
                StoreRefused.DATA_TOO_LARGE).hasMessageContaining("17 bytes");
        }

        @Test
        void moreLiveValuesThanMaxCountAreRefused() {
            Slot full = storeDict(Optional.empty(), NOW, entry("a", "1", 60), entry("b", "2", 60), entry("c", "3", 60));
            assertThat(full.elements()).hasSize(3);

            assertRefused(() -> storeDict(Optional.of(full), NOW, entry("d", "4", 60)), StoreRefused.DATA_TOO_LARGE)
                .hasMessageContaining("4 values");
        }

        @Test
        void aBatchThatWouldCrossMaxCountIsRefusedAsAWhole() {
            Slot two = storeDict(Optional.empty(), NOW, entry("a", "1", 60), entry("b", "2", 60));

            assertRefused(() -> storeDict(Optional.of(two), NOW, entry("c", "3", 60), entry("d", "4", 60)),
                StoreRefused.DATA_TOO_LARGE);
            assertRefused(() -> storeDict(Optional.empty(), NOW, entry("a", "1", 60), entry("b", "2", 60),
                entry("c", "3", 60), entry("d", "4", 60)), StoreRefused.DATA_TOO_LARGE);
        }

        @Test
        void replacingAnEntryOfAFullSlotIsAccepted() {
            Slot full = storeDict(Optional.empty(), NOW, entry("a", "1", 60), entry("b", "2", 60), entry("c", "3", 60));
            Slot next = storeDict(Optional.of(full), NOW + 1, entry("b", "2b", 60));

            assertThat(RULES.live(Optional.of(next), DataModel.DICTIONARY, NOW + 1)).hasSize(3);
        }

        @Test
        void deletedEntriesDoNotCountTowardMaxCount() {
            Slot full = storeDict(Optional.empty(), NOW, entry("a", "1", 60), entry("b", "2", 60), entry("c", "3", 60));
            Slot deleted = storeDict(Optional.of(full), NOW + 1, deleteEntry("a", 60));
            Slot next = storeDict(Optional.of(deleted), NOW + 2, entry("d", "4", 60));

            assertThat(namesOf(next)).containsExactly("a", "b", "c", "d");
            assertThat(keysOf(RULES.live(Optional.of(next), DataModel.DICTIONARY, NOW + 2)))
                .containsExactly("b", "c", "d");
        }

        @Test
        void expiredEntriesDoNotCountTowardMaxCount() {
            Slot full = storeDict(Optional.empty(), NOW, entry("a", "1", 10), entry("b", "2", 60), entry("c", "3", 60));

            assertRefused(() -> storeDict(Optional.of(full), NOW + 9_999, entry("d", "4", 60)),
                StoreRefused.DATA_TOO_LARGE);
            Slot next = storeDict(Optional.of(full), NOW + 10_000, entry("d", "4", 60));
            assertThat(namesOf(next)).as("the expired entry is dropped").containsExactly("b", "c", "d");
        }

        @Test
        void arrayGapEntriesDoNotCountTowardMaxCount() {
            Slot slot = store(Optional.empty(), ARRAY_KEY, ARRAY, 0, NOW, cell(4, "e", 60)).slot();
            Slot more = store(Optional.of(slot), ARRAY_KEY, ARRAY, 0, NOW + 1,
                cell(0, "a", 60), cell(1, "b", 60), cell(2, "c", 60), cell(3, "d", 60)).slot();

            assertThat(RULES.live(Optional.of(more), DataModel.ARRAY, NOW + 1)).hasSize(5);
            assertRefused(() -> store(Optional.of(more), ARRAY_KEY, ARRAY, 0, NOW + 2, cell(SlotRules.APPEND, "f", 60)),
                StoreRefused.DATA_TOO_LARGE);
        }
    }

    @Nested
    class DeletionAndExpiry {

        @Test
        void aDeletionHidesTheValueAndLeavesAMarkerWithoutData() {
            Slot held = storeDict(Optional.empty(), NOW, entry("a", "1", 60), entry("b", "2", 60));
            SlotRules.Applied deleted = store(Optional.of(held), DICT_KEY, DICT, 0, NOW + 1_000, deleteEntry("a", 60));

            assertThat(deleted.slot().elements()).containsExactly(tombstone("a", NOW + 1_000, 60),
                element("b", NOW, 60, "2"));
            assertThat(deleted.written()).containsExactly(tombstone("a", NOW + 1_000, 60));
            assertThat(keysOf(RULES.live(Optional.of(deleted.slot()), DataModel.DICTIONARY, NOW + 1_000)))
                .containsExactly("b");
        }

        @Test
        void aDeletionCarryingAValueStoresNoData() {
            Slot deleted = storeDict(Optional.empty(), NOW, new StoredValue(0, 60, 0, b("a"), false, b("junk")));
            assertThat(deleted.elements().get(0).value()).isEmpty();
        }

        @Test
        void purgeTimeOfALiveValueIsItsExpiry() {
            assertThat(RULES.purgeAt(element("a", NOW, 60, "1"))).isEqualTo(NOW + 60_000);
        }

        @Test
        void purgeTimeOfADeletionMarkerIsTheLaterOfItsExpiryAndTheRetention() {
            assertThat(RULES.purgeAt(tombstone("a", NOW, 10))).isEqualTo(NOW + RETENTION);
            assertThat(RULES.purgeAt(tombstone("a", NOW, 120))).isEqualTo(NOW + 120_000);
        }

        @Test
        void aSlotIsIndexedByItsEarliestPurgeTime() {
            Slot s = slot(DICT_KEY, 1, element("a", NOW, 60, "1"), element("b", NOW, 30, "2"),
                tombstone("c", NOW, 1));
            assertThat(s.purgeAt()).isEqualTo(NOW + 30_000);
            assertThat(slot(DICT_KEY, 1).purgeAt()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void anExpiredValueIsNotFetchedEvenBeforeItIsPurged() {
            Slot s = slot(DICT_KEY, 1, element("a", NOW, 10, "1"), element("b", NOW, 20, "2"));

            assertThat(keysOf(RULES.live(Optional.of(s), DataModel.DICTIONARY, NOW + 9_999))).containsExactly("a", "b");
            assertThat(keysOf(RULES.live(Optional.of(s), DataModel.DICTIONARY, NOW + 10_000))).containsExactly("b");
            assertThat(RULES.live(Optional.of(s), DataModel.DICTIONARY, NOW + 20_000)).isEmpty();
            assertThat(RULES.live(Optional.empty(), DataModel.DICTIONARY, NOW)).isEmpty();
        }

        @Test
        void purgeDropsWhatIsDueAndRemovesAnEmptySlot() {
            Slot s = slot(DICT_KEY, 4, element("a", NOW, 10, "1"), tombstone("b", NOW, 10), element("c", NOW, 100, "3"));

            assertThat(RULES.purge(s, NOW + 9_999)).contains(s);
            Slot afterA = RULES.purge(s, NOW + 10_000).orElseThrow();
            assertThat(namesOf(afterA)).containsExactly("b", "c");
            assertThat(afterA.generation()).isEqualTo(4);
            assertThat(afterA.purgeAt()).isEqualTo(NOW + RETENTION);
            assertThat(namesOf(RULES.purge(s, NOW + RETENTION).orElseThrow())).containsExactly("c");
            assertThat(RULES.purge(s, NOW + 100_000)).isEmpty();
        }
    }

    @Nested
    class ReplicaStore {

        private final Slot held = slot(DICT_KEY, 3, element("a", NOW + 100, 60, "1"), element("b", NOW + 100, 60, "2"));

        @Test
        void newerElementsAreMerged() {
            Slot merged = RULES.replicaStore(Optional.of(held), DICT_KEY, 4,
                List.of(element("a", NOW + 200, 60, "1b"), element("c", NOW + 200, 60, "3")), NOW + 200).orElseThrow();

            assertThat(merged.generation()).isEqualTo(4);
            assertThat(merged.elements()).containsExactly(element("a", NOW + 200, 60, "1b"),
                element("b", NOW + 100, 60, "2"), element("c", NOW + 200, 60, "3"));
        }

        @Test
        void aReplicaOfANewSlotIsStoredWithTheOwnersGeneration() {
            Slot created = RULES.replicaStore(Optional.empty(), DICT_KEY, 7, List.of(element("a", NOW, 60, "1")), NOW)
                .orElseThrow();
            assertThat(created.generation()).isEqualTo(7);
            assertThat(created.elements()).containsExactly(element("a", NOW, 60, "1"));
        }

        @Test
        void anElementOlderThanTheHeldOneIsRefusedAndNothingIsTaken() {
            assertRefused(() -> RULES.replicaStore(Optional.of(held), DICT_KEY, 5,
                    List.of(element("c", NOW + 300, 60, "3"), element("a", NOW + 99, 60, "old")), NOW + 300),
                StoreRefused.DATA_TOO_OLD).hasMessageContaining(String.valueOf(NOW + 99));
        }

        @Test
        void anEqualStorageTimeIsAcceptedWithoutChange() {
            assertThat(RULES.replicaStore(Optional.of(held), DICT_KEY, 3, List.of(element("a", NOW + 100, 60, "1")),
                NOW + 100)).isEmpty();
            assertThat(RULES.replicaStore(Optional.of(held), DICT_KEY, 3,
                List.of(element("a", NOW + 100, 60, "0")), NOW + 100))
                .as("on a tie the larger value stays: the held one").isEmpty();
            assertThat(RULES.replicaStore(Optional.of(held), DICT_KEY, 3,
                List.of(element("a", NOW + 100, 60, "other")), NOW + 100))
                .as("on a tie the larger value wins, whatever the arrival order")
                .hasValueSatisfying(s -> assertThat(new String(s.elements().get(0).value())).isEqualTo("other"));
        }
    }

    @Nested
    class Merge {

        @Test
        void theNewerElementWinsUnderEachNameAndTheGenerationIsTheLarger() {
            Slot held = slot(DICT_KEY, 4, element("a", NOW + 1, 60, "a-held"), element("b", NOW + 3, 60, "b-held"));
            Slot incoming = slot(DICT_KEY, 2, element("a", NOW + 2, 60, "a-in"), element("b", NOW + 2, 60, "b-in"),
                element("c", NOW + 2, 60, "c-in"));

            Slot merged = RULES.merge(Optional.of(held), incoming, NOW + 3).orElseThrow();

            assertThat(merged.generation()).isEqualTo(4);
            assertThat(merged.elements()).containsExactly(element("a", NOW + 2, 60, "a-in"),
                element("b", NOW + 3, 60, "b-held"), element("c", NOW + 2, 60, "c-in"));
            assertThat(merged.purgeAt()).isEqualTo(NOW + 60_002);
        }

        @Test
        void aHigherIncomingGenerationIsTakenEvenWithoutNewerElements() {
            Slot held = slot(DICT_KEY, 4, element("a", NOW, 60, "1"));
            Slot merged = RULES.merge(Optional.of(held), slot(DICT_KEY, 9, element("a", NOW, 60, "1")), NOW)
                .orElseThrow();

            assertThat(merged.generation()).isEqualTo(9);
            assertThat(merged.elements()).isEqualTo(held.elements());
        }

        @Test
        void aCopyThatChangesNothingGivesNothing() {
            Slot held = slot(DICT_KEY, 4, element("a", NOW, 60, "1"));
            assertThat(RULES.merge(Optional.of(held), slot(DICT_KEY, 4, element("a", NOW - 1, 60, "old")), NOW))
                .isEmpty();
            assertThat(RULES.merge(Optional.of(held), held, NOW)).isEmpty();
        }

        @Test
        void incomingElementsAlreadyDueForPurgingAreIgnored() {
            Slot incoming = slot(DICT_KEY, 1, element("a", NOW - 20_000, 10, "expired"), element("b", NOW, 60, "2"),
                tombstone("c", NOW - RETENTION, 1));

            Slot merged = RULES.merge(Optional.empty(), incoming, NOW).orElseThrow();
            assertThat(namesOf(merged)).containsExactly("b");
            assertThat(RULES.merge(Optional.empty(), slot(DICT_KEY, 1, element("a", NOW - 20_000, 10, "x")), NOW))
                .as("nothing new at all").isEmpty();
        }

        @Test
        void anOlderLiveCopyDoesNotBringADeletedValueBack() {
            Slot deleted = slot(DICT_KEY, 2, tombstone("a", NOW + 1_000, 10));

            assertThat(RULES.merge(Optional.of(deleted), slot(DICT_KEY, 1, element("a", NOW, 60, "1")), NOW + 1_000))
                .isEmpty();
            assertThat(RULES.live(Optional.of(deleted), DataModel.DICTIONARY, NOW + 1_000)).isEmpty();
        }

        @Test
        void aNewerLiveCopyRestoresAValue() {
            Slot deleted = slot(DICT_KEY, 2, tombstone("a", NOW + 1_000, 10));
            Slot merged = RULES.merge(Optional.of(deleted), slot(DICT_KEY, 3, element("a", NOW + 2_000, 60, "back")),
                NOW + 2_000).orElseThrow();

            assertThat(valuesOf(RULES.live(Optional.of(merged), DataModel.DICTIONARY, NOW + 2_000)))
                .containsExactly("back");
            assertThat(merged.generation()).isEqualTo(3);
        }
    }
}
