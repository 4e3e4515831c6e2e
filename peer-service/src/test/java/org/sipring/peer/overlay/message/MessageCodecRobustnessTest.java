package org.sipring.peer.overlay.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.sipring.peer.overlay.message.testing.SampleMessages;

/**
 * Whatever bytes arrive, decoding either yields a message that survives re-encoding, or throws a
 * {@link DecodeException} subtype. Any other exception escapes and fails the property.
 */
class MessageCodecRobustnessTest {

    private final MessageCodec codec = new MessageCodec(SampleMessages.KINDS, 1 << 16);

    /** Returns the decoded message, or null if decoding failed with a DecodeException. */
    private Message decodeOrReject(byte[] bytes) {
        try {
            Message m = codec.decode(bytes);
            // Accepted input must be a stable message: encoding it again decodes to the same value.
            try {
                assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
            } catch (DecodeException e) {
                throw new AssertionError("re-encoded message no longer decodes", e);
            }
            return m;
        } catch (DecodeException e) {
            assertThat(e).hasMessageNotContaining("Exception");
            assertThat(e.errorCode()).isNotNull();
            return null;
        }
    }

    @Provide
    Arbitrary<byte[]> valid() {
        return Arbitraries.oneOf(MessageArbitraries.messages(), Arbitraries.of(SampleMessages.all()))
            .map(codec::encode);
    }

    @Property(tries = 1000)
    void truncatedMessagesAreRejected(@ForAll("valid") byte[] bytes, @ForAll @IntRange(min = 0, max = 100_000) int cut) {
        int length = cut % bytes.length;
        assertThat(decodeOrReject(java.util.Arrays.copyOf(bytes, length))).isNull();
    }

    @Property(tries = 1000)
    void truncatedMessagesWithFixedUpLengthNeverThrowOtherExceptions(@ForAll("valid") byte[] bytes,
                                                                     @ForAll @IntRange(min = 20, max = 100_000) int cut) {
        byte[] t = java.util.Arrays.copyOf(bytes, Math.max(20, cut % bytes.length));
        ByteBuffer.wrap(t).putInt(16, t.length);
        decodeOrReject(t);
    }

    @Property(tries = 3000)
    void bitFlipsNeverThrowOtherExceptions(@ForAll("valid") byte[] bytes,
                                           @ForAll @Size(min = 1, max = 4) List<@IntRange(min = 0, max = 1 << 20) Integer> bits) {
        byte[] b = bytes.clone();
        for (int bit : bits) {
            int i = (bit / 8) % b.length;
            b[i] ^= (byte) (1 << (bit % 8));
        }
        decodeOrReject(b);
    }

    @Property(tries = 2000)
    void randomBytesAreRejected(@ForAll @Size(max = 600) byte[] bytes) {
        assertThat(decodeOrReject(bytes)).isNull();
    }

    @Property(tries = 2000)
    void randomBodiesBehindAValidHeaderNeverThrowOtherExceptions(@ForAll("valid") byte[] bytes,
                                                                 @ForAll @Size(max = 300) byte[] tail,
                                                                 @ForAll @IntRange(min = 38, max = 100_000) int keep) {
        int k = Math.min(bytes.length, keep);
        byte[] b = ByteBuffer.allocate(k + tail.length).put(bytes, 0, k).put(tail).array();
        ByteBuffer.wrap(b).putInt(16, b.length);
        decodeOrReject(b);
    }
}
