package org.sipring.peer.app.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Logback's {@code %peer}: the first 8 hex digits of this peer's Node-ID, on every line from every
 * thread (Netty, Undertow, the overlay driver) without relying on the MDC. Dashes until the id is
 * known. One process runs one peer, so one process-wide value is the right scope.
 */
public final class PeerIdConverter extends ClassicConverter {

    public static final String UNKNOWN = "--------";

    private static volatile String current = UNKNOWN;

    /** Sets the id shown from now on; a full 32-digit id is shortened to 8 digits. */
    public static void set(String nodeIdHex) {
        if (nodeIdHex == null || nodeIdHex.isBlank()) {
            current = UNKNOWN;
        } else {
            current = nodeIdHex.length() > 8 ? nodeIdHex.substring(0, 8) : nodeIdHex;
        }
    }

    public static String current() {
        return current;
    }

    @Override
    public String convert(ILoggingEvent event) {
        return current;
    }
}
