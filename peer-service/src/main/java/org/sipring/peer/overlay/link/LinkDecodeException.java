package org.sipring.peer.overlay.link;

import io.netty.handler.codec.DecoderException;

/**
 * A connection sent something the link layer cannot accept. Closes that connection only. The
 * subclasses name the failure; {@link #getMessage()} is the reason reported to the listener.
 */
public abstract class LinkDecodeException extends DecoderException {

    protected LinkDecodeException(String message) {
        super(message);
    }

    protected LinkDecodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A FramedMessageType other than data(128) or ack(129). */
    public static final class UnknownFrameTypeException extends LinkDecodeException {
        private final int type;

        public UnknownFrameTypeException(int type) {
            super("unknown framed message type " + type);
            this.type = type;
        }

        public int type() {
            return type;
        }
    }

    /** A data frame whose length field exceeds the configured maximum message size. */
    public static final class FrameTooLongException extends LinkDecodeException {
        private final int length;
        private final int maximum;

        public FrameTooLongException(int length, int maximum) {
            super("framed message of " + length + " bytes exceeds the maximum message size " + maximum);
            this.length = length;
            this.maximum = maximum;
        }

        public int length() {
            return length;
        }

        public int maximum() {
            return maximum;
        }
    }

    /**
     * A frame that is well typed but wrong: cut off by the end of the stream, or an ACK for a
     * sequence number this side never sent.
     */
    public static final class MalformedFrameException extends LinkDecodeException {
        public MalformedFrameException(String message) {
            super(message);
        }
    }

    /** A data frame whose message the {@link MessageCodecPort} rejected. */
    public static final class UndecodableMessageException extends LinkDecodeException {
        public UndecodableMessageException(int sequence, Throwable cause) {
            super("message in data frame " + Integer.toUnsignedString(sequence) + " does not decode: "
                + cause, cause);
        }
    }
}
