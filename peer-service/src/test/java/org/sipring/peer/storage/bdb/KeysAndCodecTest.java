package org.sipring.peer.storage.bdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.DataStore.StorageFailure;

class KeysAndCodecTest {

    @Provide
    Arbitrary<SlotKey> slotKeys() {
        Arbitrary<Long> halves = Arbitraries.oneOf(Arbitraries.longs(),
            Arbitraries.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
        Arbitrary<Long> kinds = Arbitraries.oneOf(Arbitraries.longs().between(0, 0xffff_ffffL),
            Arbitraries.of(0L, 0x7fff_ffffL, 0x8000_0000L, 0xffff_ffffL));
        return Combinators.combine(halves, halves, kinds).as((hi, lo, k) -> new SlotKey(new ResourceId(hi, lo), k));
    }

    @Provide
    Arbitrary<Slot> slots() {
        Arbitrary<Element> elements = Combinators.combine(
            Arbitraries.bytes().array(byte[].class).ofMaxSize(40),
            Arbitraries.longs(),
            Arbitraries.longs().between(0, 0xffff_ffffL),
            Arbitraries.of(true, false),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
            .as(Element::new);
        return Combinators.combine(slotKeys(), Arbitraries.longs(), elements.list().ofMaxSize(6)
                .uniqueElements(e -> Arrays.toString(e.name())), Arbitraries.longs())
            .as(Slot::new);
    }

    @Property(tries = 500)
    void slotKeyBytesSortLikeSlotKeys(@ForAll("slotKeys") SlotKey a, @ForAll("slotKeys") SlotKey b) {
        assertThat(Integer.signum(Keys.compare(Keys.slotKey(a), Keys.slotKey(b)))).isEqualTo(Integer.signum(a.compareTo(b)));
        assertThat(Keys.slotKey(Keys.slotKey(a))).isEqualTo(a);
    }

    @Property(tries = 500)
    void purgeKeyBytesSortByTimeThenSlotKey(@ForAll long t1, @ForAll("slotKeys") SlotKey a,
                                            @ForAll long t2, @ForAll("slotKeys") SlotKey b) {
        int expected = t1 != t2 ? Long.compare(t1, t2) : a.compareTo(b);
        byte[] ka = Keys.purgeKey(t1, a);
        assertThat(Integer.signum(Keys.compare(ka, Keys.purgeKey(t2, b)))).isEqualTo(Integer.signum(expected));
        assertThat(Keys.purgeAt(ka)).isEqualTo(t1);
        assertThat(Keys.slotKeyOfPurgeKey(ka)).isEqualTo(a);
    }

    @Property(tries = 500)
    void slotsDecodeToWhatWasEncoded(@ForAll("slots") Slot s) {
        byte[] bytes = SlotCodec.encode(s);
        assertThat(SlotCodec.decode(s.key(), bytes)).isEqualTo(s);
        assertThat(SlotCodec.header(s.key(), bytes))
            .isEqualTo(new SlotCodec.Header(s.generation(), s.purgeAt(), s.elements().size()));
    }

    @Property(tries = 200)
    void everyShorterOrLongerEncodingIsRefused(@ForAll("slots") Slot s) {
        byte[] bytes = SlotCodec.encode(s);
        for (int n = 0; n < bytes.length; n++) {
            byte[] prefix = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> SlotCodec.decode(s.key(), prefix)).isInstanceOf(StorageFailure.class);
        }
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> SlotCodec.decode(s.key(), longer))
            .isInstanceOf(StorageFailure.class).hasMessageContaining("after the last element");
    }

    @Property(tries = 1000)
    void arbitraryBytesDecodeOrFailAsStorageFailure(@ForAll("slotKeys") SlotKey key,
                                                    @ForAll byte[] noise, @ForAll boolean withValidHead) {
        byte[] bytes = noise;
        if (withValidHead && noise.length > 0) {
            bytes = noise.clone();
            bytes[0] = SlotCodec.FORMAT;
        }
        byte[] value = bytes;
        Throwable t = catchThrowable(() -> SlotCodec.decode(key, value));
        if (t != null) {
            assertThat(t).isInstanceOf(StorageFailure.class).hasMessageContaining("undecodable value");
        }
    }
}
