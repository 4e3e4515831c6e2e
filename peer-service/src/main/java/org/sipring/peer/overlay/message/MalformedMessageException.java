package org.sipring.peer.overlay.message;

/**
 * The bytes do not follow the RELOAD wire format: truncated structures, lengths that overrun
 * their container, a wrong relo_token, bytes left over, values outside their enumeration, or a
 * fragmented message (this overlay never fragments).
 */
public final class MalformedMessageException extends DecodeException {

    public MalformedMessageException(String message) {
        this(message, null);
    }

    public MalformedMessageException(String message, ForwardingHeader header) {
        super(message, header);
    }

    @Override
    public ErrorCode errorCode() {
        return ErrorCode.INVALID_MESSAGE;
    }

    @Override
    MalformedMessageException withHeader(ForwardingHeader h) {
        return new MalformedMessageException(getMessage(), h);
    }
}
