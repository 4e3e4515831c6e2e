package org.sipring.peer.sip;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the registrar rules need of a REGISTER (RFC 3261 §10.3), once its syntax is checked.
 *
 * @param expiresHeader the Expires header, if present
 * @param wildcard      the Contact header is "*"
 * @param contacts      the other Contact values (empty for a query)
 * @param path          Path header values when the UA supports path, else empty
 * @param flow          the flow it arrived on, or null
 */
public record RegisterRequest(String callId, long cseq, OptionalInt expiresHeader, boolean wildcard,
                              List<ContactSpec> contacts, List<String> path, Flow flow) {
    public RegisterRequest {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(expiresHeader, "expiresHeader");
        contacts = List.copyOf(contacts);
        path = List.copyOf(path);
    }
}
