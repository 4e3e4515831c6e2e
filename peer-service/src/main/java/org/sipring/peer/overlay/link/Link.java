package org.sipring.peer.overlay.link;

import org.sipring.peer.overlay.message.Message;

/**
 * The overlay link port (RFC 6940 §6.6): carries whole RELOAD messages between peers. Adapters:
 * the Netty TCP/TLS link with the §6.6.2 framing header, and the simulator's in-memory link.
 *
 * <p>Contract: {@link #send} never blocks and never throws for network trouble; a message that
 * cannot be delivered is dropped and, if the connection is gone, reported through
 * {@link LinkListener#onConnectionClosed}. End-to-end reliability is the caller's job (§6.2.1).
 */
public interface Link {

    /** Starts listening and delivering events to the listener. */
    void start(LinkListener listener);

    void send(LinkTarget target, Message message);

    /** Closes the connection(s) to a target, if any. */
    void close(LinkTarget target);

    /** Closes every connection and stops listening. */
    void stop();
}
