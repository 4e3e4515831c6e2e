package org.sipring.peer.overlay.link;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link NettyLink}. Build with {@link #plain} or {@link #mutualTls} and adjust with
 * the {@code with...} methods.
 *
 * @param listenAddress        where to listen; port 0 picks a free port (see
 *                             {@link NettyLink#listenAddress()})
 * @param tls                  mutual TLS material, or {@link Tls#DISABLED} for plain TCP
 * @param maxMessageSize       largest RELOAD message accepted or sent, in bytes (RFC 6940 §11.1
 *                             max-message-size, default 5000; at most 2^24-1)
 * @param linkDeadTimeout      a frame unacknowledged this long closes its connection (§6.6.5: 30 s)
 * @param connectTimeout       TCP connect and TLS handshake limit
 * @param eventLoopThreads     Netty I/O threads for listening and all connections (1..16)
 * @param maxQueuedMessages    per outbound connection: messages held while it connects; also sizes
 *                             the socket write buffer limit. Beyond it sends are dropped and counted
 * @param maxUnackedFrames     per connection: frames sent but not yet acknowledged; beyond it
 *                             sends are dropped and counted
 * @param outboundIdleTimeout  close outbound connections with no traffic and nothing unacknowledged
 *                             for this long; {@link Duration#ZERO} keeps them open
 * @param coalesceWrites       frames written in one turn of the event loop (the ACKs of one read,
 *                             answers sent together) leave in one flush, so in one TCP segment
 *                             where they fit; off, each frame is flushed on its own, which
 *                             Wireshark's RELOAD dissector needs to decode every frame (it misreads
 *                             a segment carrying several)
 */
public record LinkConfig(InetSocketAddress listenAddress, Tls tls, int maxMessageSize,
                         Duration linkDeadTimeout, Duration connectTimeout, int eventLoopThreads,
                         int maxQueuedMessages, int maxUnackedFrames, Duration outboundIdleTimeout,
                         boolean coalesceWrites) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 5000;
    public static final Duration DEFAULT_LINK_DEAD_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_EVENT_LOOP_THREADS = 2;
    public static final int DEFAULT_MAX_QUEUED_MESSAGES = 256;
    public static final int DEFAULT_MAX_UNACKED_FRAMES = 1024;
    public static final Duration DEFAULT_OUTBOUND_IDLE_TIMEOUT = Duration.ofMinutes(10);

    /**
     * Mutual TLS material, all PEM files: this peer's certificate chain (leaf first), its unencrypted
     * PKCS#8 private key ("BEGIN PRIVATE KEY"), and the overlay CA bundle that both sides' chains must
     * lead to. Hostnames are not checked: peers are identified by the overlay CA.
     */
    public record Tls(boolean enabled, Path certificateChain, Path privateKey, Path trustedCertificates) {

        public static final Tls DISABLED = new Tls(false, null, null, null);

        public Tls {
            if (enabled) {
                Objects.requireNonNull(certificateChain, "TLS enabled without a certificate chain file");
                Objects.requireNonNull(privateKey, "TLS enabled without a private key file");
                Objects.requireNonNull(trustedCertificates, "TLS enabled without a CA bundle file");
            }
        }

        public static Tls of(Path certificateChain, Path privateKey, Path trustedCertificates) {
            return new Tls(true, certificateChain, privateKey, trustedCertificates);
        }
    }

    public LinkConfig {
        Objects.requireNonNull(listenAddress, "listenAddress");
        tls = tls == null ? Tls.DISABLED : tls;
        if (maxMessageSize < 1 || maxMessageSize > FramedMessage.MAX_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxMessageSize must be 1.." + FramedMessage.MAX_MESSAGE_LENGTH
                + ", got " + maxMessageSize);
        }
        requirePositive(linkDeadTimeout, "linkDeadTimeout");
        requirePositive(connectTimeout, "connectTimeout");
        if (eventLoopThreads < 1 || eventLoopThreads > 16) {
            throw new IllegalArgumentException("eventLoopThreads must be 1..16, got " + eventLoopThreads);
        }
        if (maxQueuedMessages < 1) {
            throw new IllegalArgumentException("maxQueuedMessages must be at least 1, got " + maxQueuedMessages);
        }
        if (maxUnackedFrames < 1) {
            throw new IllegalArgumentException("maxUnackedFrames must be at least 1, got " + maxUnackedFrames);
        }
        Objects.requireNonNull(outboundIdleTimeout, "outboundIdleTimeout");
        if (outboundIdleTimeout.isNegative()) {
            throw new IllegalArgumentException("outboundIdleTimeout must not be negative");
        }
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    /** Plain TCP with the defaults. */
    public static LinkConfig plain(InetSocketAddress listenAddress) {
        return new LinkConfig(listenAddress, Tls.DISABLED, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_LINK_DEAD_TIMEOUT,
            DEFAULT_CONNECT_TIMEOUT, DEFAULT_EVENT_LOOP_THREADS, DEFAULT_MAX_QUEUED_MESSAGES,
            DEFAULT_MAX_UNACKED_FRAMES, DEFAULT_OUTBOUND_IDLE_TIMEOUT, true);
    }

    /** Mutual TLS with the defaults. */
    public static LinkConfig mutualTls(InetSocketAddress listenAddress, Path certificateChain, Path privateKey,
                                       Path trustedCertificates) {
        return plain(listenAddress).withTls(Tls.of(certificateChain, privateKey, trustedCertificates));
    }

    public LinkConfig withTls(Tls newTls) {
        return new LinkConfig(listenAddress, newTls, maxMessageSize, linkDeadTimeout, connectTimeout,
            eventLoopThreads, maxQueuedMessages, maxUnackedFrames, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withMaxMessageSize(int size) {
        return new LinkConfig(listenAddress, tls, size, linkDeadTimeout, connectTimeout,
            eventLoopThreads, maxQueuedMessages, maxUnackedFrames, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withLinkDeadTimeout(Duration timeout) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, timeout, connectTimeout,
            eventLoopThreads, maxQueuedMessages, maxUnackedFrames, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withConnectTimeout(Duration timeout) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, linkDeadTimeout, timeout,
            eventLoopThreads, maxQueuedMessages, maxUnackedFrames, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withEventLoopThreads(int threads) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, linkDeadTimeout, connectTimeout,
            threads, maxQueuedMessages, maxUnackedFrames, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withMaxQueuedMessages(int max) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, linkDeadTimeout, connectTimeout,
            eventLoopThreads, max, maxUnackedFrames, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withMaxUnackedFrames(int max) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, linkDeadTimeout, connectTimeout,
            eventLoopThreads, maxQueuedMessages, max, outboundIdleTimeout, coalesceWrites);
    }

    public LinkConfig withOutboundIdleTimeout(Duration timeout) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, linkDeadTimeout, connectTimeout,
            eventLoopThreads, maxQueuedMessages, maxUnackedFrames, timeout, coalesceWrites);
    }

    public LinkConfig withCoalesceWrites(boolean coalesce) {
        return new LinkConfig(listenAddress, tls, maxMessageSize, linkDeadTimeout, connectTimeout,
            eventLoopThreads, maxQueuedMessages, maxUnackedFrames, outboundIdleTimeout, coalesce);
    }
}
