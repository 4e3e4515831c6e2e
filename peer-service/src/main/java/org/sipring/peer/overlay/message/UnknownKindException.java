package org.sipring.peer.overlay.message;

/**
 * A FetchAns carries values of a Kind-ID whose data model the decoder does not know; StoredData
 * cannot be parsed without it (RFC 6940 §7.2: the model is not on the wire). Requests naming an
 * unknown kind are not refused this way: they decode as {@link MessageBody.UnknownKindReq}, to be
 * answered with Error_Unknown_Kind (§7.4.1.2).
 */
public final class UnknownKindException extends DecodeException {

    private final long kindId;

    public UnknownKindException(long kindId) {
        this(kindId, null);
    }

    private UnknownKindException(long kindId, ForwardingHeader header) {
        super("unknown Kind-ID " + kindId, header);
        this.kindId = kindId;
    }

    public long kindId() {
        return kindId;
    }

    @Override
    public ErrorCode errorCode() {
        return ErrorCode.UNKNOWN_KIND;
    }

    @Override
    UnknownKindException withHeader(ForwardingHeader h) {
        return new UnknownKindException(kindId, h);
    }
}
