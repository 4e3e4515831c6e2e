package org.sipring.peer.overlay.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Example;
import org.sipring.peer.overlay.message.MessageBody.StoredData;
import org.sipring.peer.overlay.message.testing.SampleMessages;

class MessageCodecRoundTripTest {

    private final MessageCodec codec = new MessageCodec(SampleMessages.KINDS, 1 << 20);

    @Provide
    Arbitrary<Message> messages() {
        return MessageArbitraries.messages();
    }

    @Property(tries = 1000)
    void encodeThenDecodeGivesTheSameMessage(@ForAll("messages") Message m) throws DecodeException {
        byte[] bytes = codec.encode(m);
        assertThat(java.nio.ByteBuffer.wrap(bytes).getInt(16)).isEqualTo(bytes.length);
        Message decoded = codec.decode(bytes);
        assertThat(decoded).isEqualTo(m);
        assertThat(codec.encode(decoded)).isEqualTo(bytes);
    }

    @Example
    void everySampleMessageRoundTripsAndEveryBodyTypeIsCovered() throws DecodeException {
        Set<Class<?>> seen = new HashSet<>();
        List<Message> samples = new ArrayList<>(SampleMessages.all());
        samples.addAll(SampleMessages.extensionMessages());
        for (Message m : samples) {
            assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
            seen.add(m.body().getClass());
        }
        Set<Class<?>> all = new HashSet<>();
        for (Class<?> c : MessageBody.class.getPermittedSubclasses()) {
            all.add(c);
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
    }

    @Property(tries = 200)
    void storedDataConvertsToAndFromTheStorageValue(@ForAll("storedData") StoredData d) {
        assertThat(StoredData.of(d.toStoredValue(), d.model())).isEqualTo(d);
    }

    @Provide
    Arbitrary<StoredData> storedData() {
        return MessageArbitraries.kinds().flatMap(k -> MessageArbitraries.storedData(k.model()));
    }
}
