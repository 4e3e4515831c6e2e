package org.sipring.peer.overlay.message.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Finds and replaces the message_body of an encoded RELOAD message (RFC 6940 §6.3), fixing up the
 * body length and the forwarding header's length so that only the body is changed.
 */
public final class EncodedMessages {

    /** Offset of the forwarding header's uint32 length. */
    private static final int LENGTH_AT = 16;
    /** Offset of via_list_length; destination_list_length and options_length follow. */
    private static final int LIST_LENGTHS_AT = 32;
    private static final int FIXED_HEADER = 38;

    private EncodedMessages() {
    }

    /** Offset of the uint32 message_body length (after the uint16 message_code). */
    public static int bodyLengthOffset(byte[] message) {
        ByteBuffer b = ByteBuffer.wrap(message);
        int lists = 0;
        for (int i = 0; i < 3; i++) {
            lists += Short.toUnsignedInt(b.getShort(LIST_LENGTHS_AT + 2 * i));
        }
        return FIXED_HEADER + lists + 2;
    }

    public static byte[] body(byte[] message) {
        int at = bodyLengthOffset(message);
        int length = ByteBuffer.wrap(message).getInt(at);
        return Arrays.copyOfRange(message, at + 4, at + 4 + length);
    }

    /** The message with its body replaced by {@code body}, all lengths consistent. */
    public static byte[] withBody(byte[] message, byte[] body) {
        int at = bodyLengthOffset(message);
        int oldLength = ByteBuffer.wrap(message).getInt(at);
        int rest = at + 4 + oldLength;
        ByteBuffer out = ByteBuffer.allocate(message.length - oldLength + body.length);
        out.put(message, 0, at).putInt(body.length).put(body).put(message, rest, message.length - rest);
        out.putInt(LENGTH_AT, out.capacity());
        return out.array();
    }
}
