package org.sipring.peer.overlay.message.testing;

import java.nio.ByteBuffer;

/** RFC 6940 §6.6.2 FramedMessage builders, for captures and link-layer tests. */
public final class ReloadFrames {

    public static final int DATA = 128;
    public static final int ACK = 129;

    private ReloadFrames() {
    }

    /** data(128) {uint32 sequence; opaque message<0..2^24-1>}. */
    public static byte[] data(long sequence, byte[] message) {
        if (message.length > 0xffffff) {
            throw new IllegalArgumentException("message too long for a framed message");
        }
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 3 + message.length);
        b.put((byte) DATA).putInt((int) sequence)
            .put((byte) (message.length >>> 16)).putShort((short) message.length).put(message);
        return b.array();
    }

    /** ack(129) {uint32 ack_sequence; uint32 received}. */
    public static byte[] ack(long ackSequence, int receivedMask) {
        return ByteBuffer.allocate(9).put((byte) ACK).putInt((int) ackSequence).putInt(receivedMask).array();
    }
}
