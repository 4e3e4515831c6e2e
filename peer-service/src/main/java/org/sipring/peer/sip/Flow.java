package org.sipring.peer.sip;

import java.util.Objects;

/**
 * The connection a REGISTER arrived on (RFC 5626 §3.2, RFC 3581): its transport, the source
 * address it came from, and the peer that terminates it, so requests to the binding go back
 * through that peer on that flow.
 *
 * @param transport   udp, tcp or tls
 * @param peer        the SIP address (host:port) of the peer that received the REGISTER and holds the flow
 */
public record Flow(String transport, String host, int port, String peer) {
    public Flow {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(peer, "peer");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
