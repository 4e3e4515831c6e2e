package org.sipring.peer.overlay.message;

/** The message exceeds the decoder's configured maximum size (RFC 6940 §11.1 max-message-size). */
public final class MessageTooLargeException extends DecodeException {

    private final long size;
    private final int limit;

    public MessageTooLargeException(long size, int limit) {
        this(size, limit, null);
    }

    private MessageTooLargeException(long size, int limit, ForwardingHeader header) {
        super("message of " + size + " bytes exceeds the limit of " + limit, header);
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public int limit() {
        return limit;
    }

    @Override
    public ErrorCode errorCode() {
        return ErrorCode.MESSAGE_TOO_LARGE;
    }

    @Override
    MessageTooLargeException withHeader(ForwardingHeader h) {
        return new MessageTooLargeException(size, limit, h);
    }
}
