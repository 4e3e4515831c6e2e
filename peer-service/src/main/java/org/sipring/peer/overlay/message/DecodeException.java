package org.sipring.peer.overlay.message;

import java.util.Optional;

/**
 * Why a byte sequence is not an acceptable RELOAD message. {@link MessageCodec#decode(byte[])}
 * throws only subtypes of this class, never a runtime exception, whatever the input.
 *
 * <p>When the forwarding header was read before the failure, {@link #header()} returns it, so a
 * peer can still answer a request it cannot process (for instance with Error_Unknown_Kind or
 * Error_Invalid_Message) using the request's transaction id and Via list.
 */
public abstract sealed class DecodeException extends Exception
    permits MalformedMessageException, MessageTooLargeException, UnknownMessageCodeException,
    UnsupportedVersionException, UnknownKindException {

    private final transient ForwardingHeader header;

    protected DecodeException(String message, ForwardingHeader header) {
        super(message, null, false, false);
        this.header = header;
    }

    /** The forwarding header, if decoding got past it. */
    public Optional<ForwardingHeader> header() {
        return Optional.ofNullable(header);
    }

    /** The RELOAD error code a receiver would answer with, for a request it cannot decode. */
    public abstract ErrorCode errorCode();

    abstract DecodeException withHeader(ForwardingHeader h);
}
