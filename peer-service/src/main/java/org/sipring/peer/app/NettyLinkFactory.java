package org.sipring.peer.app;

import org.sipring.peer.app.config.LinkSettings;
import org.sipring.peer.app.config.PeerStartupException;
import org.sipring.peer.overlay.link.Link;

/**
 * The production {@link LinkFactory}: the Netty TCP/TLS adapter of {@code overlay.link}, sized by
 * {@link LinkSettings#threads()}, listening on {@link LinkSettings#listen()}, with TLS from
 * {@link LinkSettings#tls()} (plain TCP when empty) and frames up to
 * {@link LinkSettings#maxMessageSize()} bytes.
 *
 * <p>While the adapter is not part of the build, start-up stops here with one clear line.
 */
public final class NettyLinkFactory implements LinkFactory {

    @Override
    public Link create(LinkSettings settings) {
        throw new PeerStartupException("this build has no TCP/TLS overlay link adapter; cannot listen on "
            + settings.listen());
    }
}
