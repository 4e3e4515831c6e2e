package org.sipring.peer.app;

import org.sipring.peer.app.config.LinkSettings;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.link.LinkConfig;
import org.sipring.peer.overlay.link.MessageCodecPort;
import org.sipring.peer.overlay.link.NettyLink;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.message.MessageCodec;

/**
 * The production {@link LinkFactory}: the Netty TCP/TLS adapter of {@code overlay.link}, sized by
 * {@link LinkSettings#threads()}, listening on {@link LinkSettings#listen()}, with mutual TLS from
 * {@link LinkSettings#tls()} (plain TCP when empty) and the RELOAD codec limited to
 * {@link LinkSettings#maxMessageSize()} bytes.
 */
public final class NettyLinkFactory implements LinkFactory {

    private final KindModels kinds;

    public NettyLinkFactory(KindModels kinds) {
        this.kinds = kinds;
    }

    @Override
    public Link create(LinkSettings settings) {
        LinkConfig.Tls tls = settings.tls()
            .map(t -> LinkConfig.Tls.of(t.certificate(), t.privateKey(), t.ca()))
            .orElse(LinkConfig.Tls.DISABLED);
        LinkConfig config = new LinkConfig(settings.listen().toSocketAddress(), tls, settings.maxMessageSize(),
            settings.linkDeadTimeout(), LinkConfig.DEFAULT_CONNECT_TIMEOUT, settings.threads(),
            LinkConfig.DEFAULT_MAX_QUEUED_MESSAGES, LinkConfig.DEFAULT_MAX_UNACKED_FRAMES,
            LinkConfig.DEFAULT_OUTBOUND_IDLE_TIMEOUT, settings.coalesceWrites());
        MessageCodec codec = new MessageCodec(kinds, settings.maxMessageSize());
        return new NettyLink(config, MessageCodecPort.of(codec::encode, codec::decode));
    }
}
