package org.sipring.peer.overlay.link;

import java.util.Objects;
import org.sipring.peer.overlay.message.Message;

/**
 * The seam between the link layer and the RELOAD message codec: whole messages to bytes and back.
 * The link layer frames, sequences and acknowledges the bytes but never looks inside them. Wire the
 * real codec in with {@code MessageCodecPort.of(codec::encode, codec::decode)}.
 *
 * <p>Both methods run on link threads: they must be thread-safe and must not block.
 */
public interface MessageCodecPort {

    /** Encodes a message; an exception drops the message (counted, nothing is sent). */
    byte[] encode(Message message);

    /**
     * Decodes the bytes of one data frame. Any exception closes the connection that sent them (and
     * only that one) with an {@link LinkDecodeException.UndecodableMessageException}.
     */
    Message decode(byte[] bytes) throws Exception;

    @FunctionalInterface
    interface Encoder {
        byte[] encode(Message message);
    }

    @FunctionalInterface
    interface Decoder {
        Message decode(byte[] bytes) throws Exception;
    }

    static MessageCodecPort of(Encoder encoder, Decoder decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new MessageCodecPort() {
            @Override
            public byte[] encode(Message message) {
                return encoder.encode(message);
            }

            @Override
            public Message decode(byte[] bytes) throws Exception {
                return decoder.decode(bytes);
            }
        };
    }
}
