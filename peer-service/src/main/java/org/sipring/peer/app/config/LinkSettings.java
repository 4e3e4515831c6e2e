package org.sipring.peer.app.config;

import java.time.Duration;
import java.util.Optional;
import org.sipring.peer.overlay.PeerAddress;

/**
 * What an overlay link adapter needs to know, built once from the properties.
 *
 * @param overlayName    the overlay instance name (for logs and the TLS identity checks)
 * @param listen         address to listen on
 * @param threads        event-loop threads, bounded for small machines
 * @param tls            TLS files, or empty for plain TCP
 * @param maxMessageSize largest RELOAD message accepted or sent, in bytes
 * @param linkDeadTimeout a connection whose frames stay unacknowledged this long is closed
 *                        (RFC 6940 §6.6.5, default 30 s)
 * @param coalesceWrites  frames written together leave in one flush (see the link's config)
 */
public record LinkSettings(String overlayName, PeerAddress listen, int threads, Optional<TlsFiles> tls,
                           int maxMessageSize, Duration linkDeadTimeout, boolean coalesceWrites) {

    public LinkSettings {
        if (threads < 1) {
            throw new IllegalArgumentException("a link needs at least one thread");
        }
        tls = tls == null ? Optional.empty() : tls;
    }
}
