package org.sipring.peer.overlay.message;

import java.util.List;

/**
 * A whole RELOAD message: forwarding header, message contents (code, body, extensions) and the
 * security block (RFC 6940 §6.3). See docs/protocol.md for how the security block is filled.
 */
public record Message(ForwardingHeader header, MessageBody body, List<MessageExtension> extensions) {

    public Message {
        extensions = List.copyOf(extensions);
    }

    public MessageCode code() {
        return body.code();
    }

    public long transactionId() {
        return header.transactionId();
    }

    public Message withHeader(ForwardingHeader h) {
        return new Message(h, body, extensions);
    }
}
