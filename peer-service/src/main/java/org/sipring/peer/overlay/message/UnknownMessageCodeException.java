package org.sipring.peer.overlay.message;

/**
 * The message_code is not one this peer implements (reserved, unassigned, or a method such as
 * Find or Stat that this overlay does not support).
 */
public final class UnknownMessageCodeException extends DecodeException {

    private final int messageCode;

    public UnknownMessageCodeException(int messageCode) {
        this(messageCode, null);
    }

    private UnknownMessageCodeException(int messageCode, ForwardingHeader header) {
        super(String.format("unsupported message code 0x%04x", messageCode), header);
        this.messageCode = messageCode;
    }

    public int messageCode() {
        return messageCode;
    }

    @Override
    public ErrorCode errorCode() {
        return ErrorCode.INVALID_MESSAGE;
    }

    @Override
    UnknownMessageCodeException withHeader(ForwardingHeader h) {
        return new UnknownMessageCodeException(messageCode, h);
    }
}
