package org.sipring.peer.app.config;

/**
 * The peer cannot start, for a reason one line explains. The start-up failure analyzer shows
 * {@link #getMessage()} and no stack trace.
 */
public class PeerStartupException extends RuntimeException {

    public PeerStartupException(String message) {
        super(message, null, false, false);
    }

    public PeerStartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
