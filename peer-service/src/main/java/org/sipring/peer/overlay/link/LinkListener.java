package org.sipring.peer.overlay.link;

import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.message.Message;

/**
 * Events from the link layer. Called from link threads: implementations hand them to the
 * overlay's driver thread and return at once.
 */
public interface LinkListener {

    /**
     * A decoded message arrived on a connection.
     *
     * @param connectionId  the connection it came on; reply with {@link LinkTarget.OnConnection}
     * @param remoteListen  the remote's listening address if this is an outbound connection we
     *                      opened to it, else null (inbound connections come from ephemeral ports)
     */
    void onMessage(long connectionId, PeerAddress remoteListen, Message message);

    /**
     * A connection closed or failed: remote close, I/O error, no framing ACK within the link
     * timeout (§6.6.5), or a malformed frame (which closes only that connection).
     *
     * @param remoteListen the address of an outbound connection, else null
     */
    void onConnectionClosed(long connectionId, PeerAddress remoteListen, String reason);
}
