package org.sipring.peer.overlay.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.internal.StringUtil;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.link.LinkDecodeException.FrameTooLongException;
import org.sipring.peer.overlay.link.LinkDecodeException.MalformedFrameException;
import org.sipring.peer.overlay.link.LinkDecodeException.UnknownFrameTypeException;

/** The §6.6.2 framing codecs, byte for byte, through an embedded channel. */
class FramedMessageCodecTest {

    private static EmbeddedChannel decoder(int max) {
        return new EmbeddedChannel(new FramedMessageDecoder(max));
    }

    private static byte[] encode(FramedMessage frame) {
        EmbeddedChannel ch = new EmbeddedChannel(new FramedMessageEncoder());
        assertThat(ch.writeOutbound(frame)).isTrue();
        ByteBuf out = ch.readOutbound();
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        assertThat((Object) ch.readOutbound()).as("one buffer per frame").isNull();
        return bytes;
    }

    private static byte[] hex(String s) {
        return StringUtil.decodeHexDump(s.replace(" ", ""));
    }

    @Test
    void dataFrameIsTypeSequenceThen24BitLengthThenMessage() {
        byte[] bytes = encode(new FramedMessage.Data(0x01020304, new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc}));
        assertThat(bytes).isEqualTo(hex("80 01020304 000003 aabbcc"));
    }

    @Test
    void dataFrameWithHighSequenceAndLongMessageUsesUnsignedFields() {
        byte[] message = new byte[0x010203];
        byte[] bytes = encode(new FramedMessage.Data(0xfffffffe, message));
        assertThat(bytes).hasSize(8 + 0x010203);
        assertThat(java.util.Arrays.copyOf(bytes, 8)).isEqualTo(hex("80 fffffffe 010203"));
    }

    @Test
    void ackFrameIsTypeAckSequenceAndReceivedBitmask() {
        assertThat(encode(new FramedMessage.Ack(5, 0x3e))).isEqualTo(hex("81 00000005 0000003e"));
        assertThat(encode(new FramedMessage.Ack(0xffffffff, 0x80000002))).isEqualTo(hex("81 ffffffff 80000002"));
    }

    @Test
    void decodesGoldenDataAndAckBytes() {
        EmbeddedChannel ch = decoder(5000);
        ch.writeInbound(Unpooled.wrappedBuffer(hex("80 00000007 000002 beef 81 00000007 00000001")));
        FramedMessage.Data data = ch.readInbound();
        FramedMessage.Ack ack = ch.readInbound();
        assertThat(data.sequence()).isEqualTo(7);
        assertThat(data.message()).isEqualTo(hex("beef"));
        assertThat(ack).isEqualTo(new FramedMessage.Ack(7, 1));
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void emptyMessageIsAValidFrame() {
        EmbeddedChannel ch = decoder(5000);
        ch.writeInbound(Unpooled.wrappedBuffer(hex("80 00000000 000000")));
        FramedMessage.Data data = ch.readInbound();
        assertThat(data.message()).isEmpty();
    }

    @Test
    void reassemblesAFrameSplitIntoSingleBytes() {
        byte[] wire = hex("80 00000001 000004 01020304");
        EmbeddedChannel ch = decoder(5000);
        for (int i = 0; i < wire.length; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {wire[i]}));
            if (i < wire.length - 1) {
                assertThat((Object) ch.readInbound()).as("nothing before byte %d", i).isNull();
            }
        }
        FramedMessage.Data data = ch.readInbound();
        assertThat(data.message()).isEqualTo(hex("01020304"));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void splitsMergedFramesAndKeepsATrailingPartialOne() {
        EmbeddedChannel ch = decoder(5000);
        ch.writeInbound(Unpooled.wrappedBuffer(hex("80 00000001 000001 11 80 00000002 000001 22 81 00000009 00000000 80 0000")));
        assertThat(((FramedMessage.Data) ch.readInbound()).message()).isEqualTo(hex("11"));
        assertThat(((FramedMessage.Data) ch.readInbound()).message()).isEqualTo(hex("22"));
        assertThat((FramedMessage.Ack) ch.readInbound()).isEqualTo(new FramedMessage.Ack(9, 0));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(Unpooled.wrappedBuffer(hex("0003 000001 33")));
        FramedMessage.Data third = ch.readInbound();
        assertThat(third.sequence()).isEqualTo(3);
        assertThat(third.message()).isEqualTo(hex("33"));
    }

    @Test
    void acceptsExactlyTheMaximumAndRejectsOneMoreOnTheHeaderAlone() {
        EmbeddedChannel ok = decoder(4);
        ok.writeInbound(Unpooled.wrappedBuffer(hex("80 00000000 000004 01020304")));
        assertThat(((FramedMessage.Data) ok.readInbound()).message()).hasSize(4);

        EmbeddedChannel tooLong = decoder(4);
        assertThatThrownBy(() -> tooLong.writeInbound(Unpooled.wrappedBuffer(hex("80 00000000 000005"))))
            .isInstanceOf(FrameTooLongException.class)
            .isInstanceOf(LinkDecodeException.class)
            .satisfies(e -> assertThat(((FrameTooLongException) e).length()).isEqualTo(5));
    }

    @Test
    void rejectsAHugeLengthWithoutWaitingForTheBody() {
        EmbeddedChannel ch = decoder(5000);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hex("80 00000000 ffffff"))))
            .isInstanceOf(FrameTooLongException.class)
            .hasMessageContaining("16777215");
    }

    @Test
    void rejectsAnUnknownTypeAndThenDiscardsTheRestOfTheStream() {
        EmbeddedChannel ch = decoder(5000);
        assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hex("82 00000000 00000000"))))
            .isInstanceOf(UnknownFrameTypeException.class)
            .satisfies(e -> assertThat(((UnknownFrameTypeException) e).type()).isEqualTo(0x82));
        // a valid frame after the failure is ignored, and does not raise a second error
        ch.writeInbound(Unpooled.wrappedBuffer(hex("80 00000001 000001 11")));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void typeZeroAndTypeOneArePreDraftValuesAndRejected() {
        for (String type : List.of("00", "01", "7f", "ff")) {
            EmbeddedChannel ch = decoder(5000);
            assertThatThrownBy(() -> ch.writeInbound(Unpooled.wrappedBuffer(hex(type))))
                .isInstanceOf(UnknownFrameTypeException.class);
        }
    }

    @Test
    void aFrameCutOffByTheEndOfTheStreamIsMalformed() {
        EmbeddedChannel ch = decoder(5000);
        ch.writeInbound(Unpooled.wrappedBuffer(hex("80 00000001 000004 0102")));
        assertThat((Object) ch.readInbound()).isNull();
        assertThatThrownBy(ch::finish)
            .isInstanceOf(MalformedFrameException.class)
            .hasMessageContaining("10 bytes left over");
    }

    @Test
    void aStreamEndingOnAFrameBoundaryIsClean() {
        EmbeddedChannel ch = decoder(5000);
        ch.writeInbound(Unpooled.wrappedBuffer(hex("81 00000001 00000000")));
        assertThat((Object) ch.readInbound()).isNotNull();
        assertThat(ch.finish()).isFalse();
    }

    @Property(tries = 200)
    void anySequenceOfFramesSurvivesEncodeSplitDecode(@ForAll("frameLists") List<FramedMessage> frames,
                                                      @ForAll("chunk") int chunk) {
        ByteBuf wire = Unpooled.buffer();
        for (FramedMessage f : frames) {
            wire.writeBytes(encode(f));
        }
        EmbeddedChannel ch = decoder(300);
        while (wire.isReadable()) {
            ch.writeInbound(wire.readRetainedSlice(Math.min(chunk, wire.readableBytes())));
        }
        wire.release();
        List<FramedMessage> out = new ArrayList<>();
        for (Object o = ch.readInbound(); o != null; o = ch.readInbound()) {
            out.add((FramedMessage) o);
        }
        assertThat(out).hasSameSizeAs(frames);
        for (int i = 0; i < frames.size(); i++) {
            FramedMessage want = frames.get(i);
            FramedMessage got = out.get(i);
            if (want instanceof FramedMessage.Data d) {
                assertThat(got).isInstanceOf(FramedMessage.Data.class);
                assertThat(((FramedMessage.Data) got).sequence()).isEqualTo(d.sequence());
                assertThat(((FramedMessage.Data) got).message()).isEqualTo(d.message());
            } else {
                assertThat(got).isEqualTo(want);
            }
        }
        assertThat(ch.finish()).isFalse();
    }

    @Provide
    Arbitrary<List<FramedMessage>> frameLists() {
        Arbitrary<FramedMessage> data = Combinators.combine(Arbitraries.integers(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300))
            .as(FramedMessage.Data::new);
        Arbitrary<FramedMessage> ack = Combinators.combine(Arbitraries.integers(), Arbitraries.integers())
            .as(FramedMessage.Ack::new);
        return Arbitraries.oneOf(data, ack).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<Integer> chunk() {
        return Arbitraries.integers().between(1, 700);
    }
}
