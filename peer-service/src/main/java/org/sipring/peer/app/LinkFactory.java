package org.sipring.peer.app;

import org.sipring.peer.app.config.LinkSettings;
import org.sipring.peer.overlay.link.Link;

/**
 * Builds the overlay link adapter from its settings. The one seam between the composition root and
 * the link implementations: the Netty TCP/TLS adapter in production, others in tests.
 */
@FunctionalInterface
public interface LinkFactory {

    /** A new, not yet started link; the overlay starts and stops it. */
    Link create(LinkSettings settings);
}
