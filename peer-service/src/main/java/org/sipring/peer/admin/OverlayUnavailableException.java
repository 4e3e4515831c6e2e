package org.sipring.peer.admin;

/** The overlay did not answer a status request in time (busy or stopping). Maps to 503. */
public final class OverlayUnavailableException extends RuntimeException {

    public OverlayUnavailableException(String message) {
        super(message, null, false, false);
    }
}
