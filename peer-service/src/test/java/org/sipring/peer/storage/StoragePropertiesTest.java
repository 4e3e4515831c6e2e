package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipring.peer.storage.StorageFixtures.DICT;
import static org.sipring.peer.storage.StorageFixtures.NOW;
import static org.sipring.peer.storage.StorageFixtures.RULES;
import static org.sipring.peer.storage.StorageFixtures.element;
import static org.sipring.peer.storage.StorageFixtures.entry;
import static org.sipring.peer.storage.StorageFixtures.key;
import static org.sipring.peer.storage.StorageFixtures.namesOf;
import static org.sipring.peer.storage.StorageFixtures.slot;
import static org.sipring.peer.storage.StorageFixtures.slotStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.LocalStorage.RangeDigest;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;

/** Properties of the storage rules over generated clocks, contents and ranges. */
class StoragePropertiesTest {

    private static final SlotKey DICT_KEY = key(DICT);

    private static Slot storeDict(Optional<Slot> current, long now, org.sipring.peer.overlay.StoredValue value) {
        return RULES.store(current, DICT_KEY, DICT, 0, List.of(value), now).slot();
    }

    @Property(tries = 200)
    void storageTimeAndGenerationStrictlyIncreaseWhateverTheClockSkew(
        @ForAll @Size(min = 1, max = 30) List<@LongRange(min = -10_000, max = 10_000) Long> skews) {
        Optional<Slot> slot = Optional.empty();
        long last = 0;
        long generation = 0;
        for (long skew : skews) {
            Slot next = storeDict(slot, NOW + skew, entry("a", "v", 60));
            assertThat(next.lastStorageTime()).isGreaterThan(last).isGreaterThanOrEqualTo(NOW + skew);
            assertThat(next.lastStorageTime()).isEqualTo(Math.max(NOW + skew, last + 1));
            assertThat(next.generation()).isEqualTo(generation + 1);
            last = next.lastStorageTime();
            generation = next.generation();
            slot = Optional.of(next);
        }
    }

    @Property(tries = 200)
    void mergingInEitherOrderConverges(@ForAll @Size(max = 6) List<@IntRange(min = 0, max = 5) Integer> a,
                                       @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 5) Integer> b) {
        Slot x = distinctSlot(a, 1);
        Slot y = distinctSlot(b, 2);
        Slot xy = RULES.merge(Optional.of(x), y, NOW).orElse(x);
        Slot yx = RULES.merge(Optional.of(y), x, NOW).orElse(y);

        assertThat(xy.elements()).isEqualTo(yx.elements());
        assertThat(xy.generation()).isEqualTo(yx.generation()).isEqualTo(y.generation());
        assertThat(namesOf(xy)).containsExactlyInAnyOrderElementsOf(
            Stream.concat(a.stream(), b.stream()).distinct().map(n -> "k" + n).toList());
        for (Element e : xy.elements()) {
            long newest = Stream.concat(x.elements().stream(), y.elements().stream())
                .filter(e::sameName).mapToLong(Element::storageTime).max().orElseThrow();
            assertThat(e.storageTime()).isEqualTo(newest);
        }
        assertThat(RULES.merge(Optional.of(xy), yx, NOW)).isEmpty();
    }

    /** A slot with one element per distinct name; the two salts never stamp a name alike, and win in turn. */
    private Slot distinctSlot(List<Integer> names, int salt) {
        List<Element> es = new ArrayList<>();
        names.stream().distinct().forEach(n -> es.add(
            element("k" + n, NOW + n * 10L + ((n + salt) % 2 == 0 ? 1 : 5), 60, "v" + salt)));
        return RULES.slot(DICT_KEY, salt, es);
    }

    @Property(tries = 100)
    void everySlotOfTheRangeLandsInABucket(@ForAll @Size(min = 1, max = 20) List<Long> his,
                                           @ForAll long startHi, @ForAll long endHi,
                                           @ForAll @IntRange(min = 1, max = 16) int buckets) {
        InMemoryDataStore d = new InMemoryDataStore();
        SlotStore s = slotStore(d);
        List<Slot> slots = new ArrayList<>();
        his.stream().distinct().forEach(hi ->
            slots.add(slot(key(new ResourceId(hi, 7), DICT), 1, element("a", NOW, 60, "x"))));
        s.merge(slots, NOW);
        IdInterval range = IdInterval.openClosed(new ResourceId(startHi, 7), new ResourceId(endHi, 7));

        RangeDigest digest = s.digest(range, buckets, NOW + 1, NOW);

        long inRange = slots.stream().filter(x -> range.contains(x.key().resource())).count();
        assertThat(digest.counts()).hasSize(buckets);
        assertThat(digest.counts().stream().mapToLong(Long::longValue).sum()).isEqualTo(inRange);
        assertThat(s.scan(range, null, 100, Integer.MAX_VALUE, NOW)).hasSize((int) inRange);
    }
}
