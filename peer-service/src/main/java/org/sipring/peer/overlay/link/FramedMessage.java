package org.sipring.peer.overlay.link;

/**
 * One RFC 6940 §6.6.2 FramedMessage: a {@link Data} frame carrying a whole RELOAD message, or an
 * {@link Ack} for a received data frame. Sequence numbers are uint32 on the wire and kept here as
 * Java {@code int}s with the same bits (compare them with unsigned arithmetic).
 */
public sealed interface FramedMessage {

    /** FramedMessageType data(128). */
    int TYPE_DATA = 128;
    /** FramedMessageType ack(129). */
    int TYPE_ACK = 129;
    /** type + sequence + 24-bit length. */
    int DATA_HEADER_LENGTH = 1 + 4 + 3;
    /** type + ack_sequence + received. */
    int ACK_LENGTH = 1 + 4 + 4;
    /** The largest message a 24-bit length can carry. */
    int MAX_MESSAGE_LENGTH = (1 << 24) - 1;

    /** data(128): {@code uint32 sequence; opaque message<0..2^24-1>}. The array is not copied. */
    record Data(int sequence, byte[] message) implements FramedMessage {
        public Data {
            if (message == null || message.length > MAX_MESSAGE_LENGTH) {
                throw new IllegalArgumentException("message must be 0.." + MAX_MESSAGE_LENGTH + " bytes");
            }
        }

        @Override
        public String toString() {
            return "Data[seq=" + Integer.toUnsignedString(sequence) + ", " + message.length + " bytes]";
        }
    }

    /**
     * ack(129): {@code uint32 ack_sequence; uint32 received}. Bit {@code N-M} (bit 0 being the least
     * significant) of {@code received} is set when sequence M, with N-32 &lt; M &lt; N, was among the 32
     * most recently received data frames.
     */
    record Ack(int ackSequence, int received) implements FramedMessage {
        @Override
        public String toString() {
            return "Ack[seq=" + Integer.toUnsignedString(ackSequence) + ", received=0x"
                + Integer.toHexString(received) + "]";
        }
    }
}
