package org.sipring.peer.overlay.link;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;

/**
 * A stand-in for the RELOAD codec: encodes only a ping or pong, its transaction id and padding, after
 * an 8-byte magic. Anything else fails to decode, which is what the link layer needs to be tested.
 */
final class FakeCodec implements MessageCodecPort {

    static final byte[] MAGIC = "SRFAKE01".getBytes(StandardCharsets.US_ASCII);
    static final int OVERHEAD = MAGIC.length + 1 + 8 + 4;

    static final class FakeDecodeException extends Exception {
        FakeDecodeException(String m) {
            super(m);
        }
    }

    static Message ping(long transactionId) {
        return ping(transactionId, 0);
    }

    /** A ping whose encoding is {@code OVERHEAD + padding} bytes. */
    static Message ping(long transactionId, int padding) {
        return new Message(header(transactionId), new MessageBody.PingReq(padding), List.of());
    }

    static Message pong(long transactionId) {
        return new Message(header(transactionId), new MessageBody.PingAns(transactionId, 0), List.of());
    }

    private static ForwardingHeader header(long transactionId) {
        return new ForwardingHeader(0x9aa32b8d, 1, 100, transactionId, 0, List.of(), List.of(), null);
    }

    @Override
    public byte[] encode(Message m) {
        int padding = m.body() instanceof MessageBody.PingReq p ? p.paddingLength() : 0;
        byte kind = m.body() instanceof MessageBody.PingReq ? (byte) 0 : (byte) 1;
        return ByteBuffer.allocate(OVERHEAD + padding)
            .put(MAGIC).put(kind).putLong(m.transactionId()).putInt(padding)
            .array();
    }

    @Override
    public Message decode(byte[] b) throws FakeDecodeException {
        if (b.length < OVERHEAD || !Arrays.equals(Arrays.copyOf(b, MAGIC.length), MAGIC)) {
            throw new FakeDecodeException("not a fake message");
        }
        ByteBuffer in = ByteBuffer.wrap(b, MAGIC.length, b.length - MAGIC.length);
        byte kind = in.get();
        long tx = in.getLong();
        int padding = in.getInt();
        if (kind > 1 || padding < 0 || padding != in.remaining()) {
            throw new FakeDecodeException("bad fake message");
        }
        return kind == 0 ? ping(tx, padding) : pong(tx);
    }
}
