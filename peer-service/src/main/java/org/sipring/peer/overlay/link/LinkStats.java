package org.sipring.peer.overlay.link;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one link, safe to read from any thread, for the application to export as metrics.
 * All are monotonic counters except {@link #connectionsOpen()}, a gauge.
 */
public final class LinkStats {

    final AtomicLong framesIn = new AtomicLong();
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong messagesIn = new AtomicLong();
    final AtomicLong messagesOut = new AtomicLong();
    final AtomicLong decodeErrors = new AtomicLong();
    final AtomicLong connectionsOpened = new AtomicLong();
    final AtomicLong connectionsOpen = new AtomicLong();
    final AtomicLong connectionsClosed = new AtomicLong();
    final AtomicLong connectionsClosedByError = new AtomicLong();
    final AtomicLong connectFailures = new AtomicLong();
    final AtomicLong tlsFailures = new AtomicLong();
    final AtomicLong linkDeadClosures = new AtomicLong();
    final AtomicLong droppedSends = new AtomicLong();
    final AtomicLong encodeErrors = new AtomicLong();
    final AtomicLong listenerErrors = new AtomicLong();

    /** Framed messages received (data and ack). */
    public long framesIn() {
        return framesIn.get();
    }

    /** Framed messages written (data and ack). */
    public long framesOut() {
        return framesOut.get();
    }

    /** RELOAD messages decoded and handed to the listener. */
    public long messagesIn() {
        return messagesIn.get();
    }

    /** RELOAD messages written in data frames. */
    public long messagesOut() {
        return messagesOut.get();
    }

    /** Connections closed for a bad frame or an undecodable message. */
    public long decodeErrors() {
        return decodeErrors.get();
    }

    /** TCP connections established, inbound and outbound. */
    public long connectionsOpened() {
        return connectionsOpened.get();
    }

    /** TCP connections established now (gauge). */
    public long connectionsOpen() {
        return connectionsOpen.get();
    }

    /** Connections reported closed, for any reason (including failed connects). */
    public long connectionsClosed() {
        return connectionsClosed.get();
    }

    /** Connections closed by an error: decode, I/O, TLS, link dead or failed connect. */
    public long connectionsClosedByError() {
        return connectionsClosedByError.get();
    }

    public long connectFailures() {
        return connectFailures.get();
    }

    /** Failed TLS handshakes, such as a certificate from another CA. */
    public long tlsFailures() {
        return tlsFailures.get();
    }

    /** Connections closed because a frame stayed unacknowledged past the link-dead timeout. */
    public long linkDeadClosures() {
        return linkDeadClosures.get();
    }

    /** Messages not sent: queue full, connection gone, not writable, too big or unencodable. */
    public long droppedSends() {
        return droppedSends.get();
    }

    public long encodeErrors() {
        return encodeErrors.get();
    }

    /** Exceptions thrown by the LinkListener (caught and logged). */
    public long listenerErrors() {
        return listenerErrors.get();
    }

    /** All values by name, e.g. {@code frames.in}, in a stable order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("frames.in", framesIn());
        m.put("frames.out", framesOut());
        m.put("messages.in", messagesIn());
        m.put("messages.out", messagesOut());
        m.put("decode.errors", decodeErrors());
        m.put("connections.opened", connectionsOpened());
        m.put("connections.open", connectionsOpen());
        m.put("connections.closed", connectionsClosed());
        m.put("connections.closed.error", connectionsClosedByError());
        m.put("connect.failures", connectFailures());
        m.put("tls.failures", tlsFailures());
        m.put("link.dead.closures", linkDeadClosures());
        m.put("sends.dropped", droppedSends());
        m.put("encode.errors", encodeErrors());
        m.put("listener.errors", listenerErrors());
        return m;
    }

    @Override
    public String toString() {
        return "LinkStats" + snapshot();
    }
}
