package org.sipring.peer.overlay.link;

import org.sipring.peer.overlay.PeerAddress;

/** Where the link layer sends a message: a peer's listening address, or one open connection. */
public sealed interface LinkTarget {

    /** Reuse (or open) the outbound connection to this address. */
    record ToAddress(PeerAddress address) implements LinkTarget {
    }

    /** An existing connection, inbound or outbound, named by the id the link layer gave it. */
    record OnConnection(long connectionId) implements LinkTarget {
    }
}
