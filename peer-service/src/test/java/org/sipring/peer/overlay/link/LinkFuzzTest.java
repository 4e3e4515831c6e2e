package org.sipring.peer.overlay.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.sipring.peer.overlay.message.MessageBody;

/**
 * Feeds a live link mutated framing over raw sockets. Every input is invalid somewhere, so each
 * fuzzed connection must be closed by the link with a decode error, while a well-behaved connection
 * from another link to the same one keeps exchanging messages on the same event loop throughout.
 */
class LinkFuzzTest extends LinkTestSupport {

    private static final int MAX = 1000;

    private RecordingListener targetListener;
    private RecordingListener peerListener;
    private NettyLink target;
    private NettyLink peer;
    private long goodConnectionId;

    /** One fuzzed input; the kind names the mutation in failure reports. */
    record Mutation(String kind, byte[] bytes) {
        @Override
        public String toString() {
            return kind + " " + ByteBufUtil.hexDump(bytes, 0, Math.min(48, bytes.length))
                + (bytes.length > 48 ? "... (" + bytes.length + " bytes)" : "");
        }
    }

    @BeforeProperty
    void startLinks() {
        targetListener = new RecordingListener();
        peerListener = new RecordingListener();
        target = startAnswering(loopback().withMaxMessageSize(MAX), targetListener);
        peer = start(loopback(), peerListener);
        long t = tx();
        peer.send(new LinkTarget.ToAddress(target.listenAddress()), FakeCodec.ping(t));
        eventually().until(() -> peerListener.got(t));
        goodConnectionId = peerListener.the(t).connectionId();
    }

    @AfterProperty
    void stopLinks() {
        stopAll();
    }

    @Property(tries = 80, shrinking = ShrinkingMode.OFF)
    void aMutatedStreamClosesOnlyItsOwnConnection(@ForAll("mutations") Mutation m) throws IOException {
        Statistics.collect(m.kind().replaceAll(" [0-9].*", ""));
        long errorsBefore = target.stats().decodeErrors();
        try (Socket s = new Socket(LOOPBACK, target.boundAddress().getPort())) {
            s.setSoTimeout(5000);
            try {
                s.getOutputStream().write(m.bytes());
                s.getOutputStream().flush();
                s.shutdownOutput(); // a frame cut short is only known to be bad at the end of the stream
            } catch (SocketException closedAlready) {
                // the link may close the connection before it has read everything
            }
            assertThat(NettyLinkTest.readToEnd(s.getInputStream())).as("closed by the link").isTrue();
        }
        eventually().until(() -> target.stats().decodeErrors() > errorsBefore);

        long t = tx();
        peer.send(new LinkTarget.ToAddress(target.listenAddress()), FakeCodec.ping(t));
        eventually().until(() -> peerListener.got(t));
        assertThat(peerListener.the(t).message().body()).isInstanceOf(MessageBody.PingAns.class);
        assertThat(peerListener.the(t).connectionId()).as("the good connection survived").isEqualTo(goodConnectionId);
        assertThat(peerListener.closed).isEmpty();
        // only the good peer's pings and the valid prefix of "good frame then junk" (tx -3) get through
        assertThat(targetListener.received).allMatch(r -> r.tx() > 0 || r.tx() == -3);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<byte[]> garbage = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300);
        Arbitrary<Integer> seq = Arbitraries.integers();
        return Arbitraries.oneOf(List.of(
            garbage.map(b -> new Mutation("random bytes", b)),
            Combinators.combine(seq, Arbitraries.integers().between(MAX + 1, 0xffffff), garbage)
                .as((s, len, tail) -> new Mutation("oversized length", concat(dataHeader(s, len), tail))),
            Combinators.combine(Arbitraries.integers().between(0, 255).filter(t -> t != 128 && t != 129), garbage)
                .as((type, tail) -> new Mutation("unknown type " + type, concat(new byte[] {(byte) (int) type}, tail))),
            Combinators.combine(seq, garbage)
                .as((s, msg) -> new Mutation("valid frame, garbage message", frame(s, msg))),
            Combinators.combine(seq, Arbitraries.integers().between(0, 200), Arbitraries.integers().between(1, 1000))
                .as((s, pad, cut) -> {
                    byte[] whole = frame(s, new FakeCodec().encode(FakeCodec.ping(-1, pad)));
                    return new Mutation("truncated frame", Arrays.copyOf(whole, Math.min(cut, whole.length - 1)));
                }),
            Combinators.combine(seq, Arbitraries.integers())
                .as((s, bits) -> new Mutation("ack for a frame never sent", ack(s, bits))),
            Combinators.combine(Arbitraries.integers().between(0, 11), Arbitraries.integers().between(0, 7))
                .as((pos, bit) -> {
                    byte[] f = frame(0, new FakeCodec().encode(FakeCodec.ping(-2)));
                    // type (0), length (5..7) or magic (8..15): any flip there makes the frame invalid
                    int at = pos == 0 ? 0 : pos <= 3 ? 4 + pos : 8 + (pos - 4);
                    f[at] ^= (byte) (1 << bit);
                    return new Mutation("bit " + bit + " flipped at " + at, f);
                }),
            Combinators.combine(Arbitraries.integers().between(0, 255).filter(t -> t != 128 && t != 129), garbage)
                .as((type, tail) -> new Mutation("good frame then junk", concat(
                    frame(0, new FakeCodec().encode(FakeCodec.ping(-3))), new byte[] {(byte) (int) type}, tail)))));
    }

    private static byte[] dataHeader(int seq, int length) {
        ByteBuf b = Unpooled.buffer(8).writeByte(FramedMessage.TYPE_DATA).writeInt(seq).writeMedium(length);
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] frame(int seq, byte[] message) {
        return concat(dataHeader(seq, message.length), message);
    }

    private static byte[] ack(int seq, int bits) {
        return ByteBufUtil.getBytes(Unpooled.buffer(9).writeByte(FramedMessage.TYPE_ACK).writeInt(seq).writeInt(bits));
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return ByteBufUtil.getBytes(b);
    }
}
