package org.sipring.peer.overlay.link;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.message.Message;

/**
 * The RFC 6940 §6.6.5 overlay link over TCP (optionally mutual TLS) with the §6.6.2 framing header:
 * every message travels in a data frame with a per-connection sequence number, every data frame
 * received is acknowledged, ACKs give an RFC 6298 RTO per connection, and a frame unacknowledged
 * for {@link LinkConfig#linkDeadTimeout()} closes its connection.
 *
 * <p>Threads: one Netty NIO event loop group of {@link LinkConfig#eventLoopThreads()} daemon threads
 * ("reload-link-*"), created by {@link #start} and shut down by {@link #stop}. {@link LinkListener}
 * methods run on those threads: they must hand the event over and return at once, never block.
 * (One exception: {@link #close} or {@link #stop} of an outbound connection still dialling reports
 * its close on the calling thread.)
 * {@link #send} and {@link #close} may be called from any thread, including from inside a listener
 * callback, and never block.
 *
 * <p>With TCP_NODELAY, frames written in one turn of the event loop leave in one flush
 * ({@link LinkConfig#coalesceWrites()}), or each frame is flushed on its own so that as far as TCP
 * allows a segment carries one frame (packet captures stay decodable).
 */
public final class NettyLink implements Link {

    private static final System.Logger LOG = System.getLogger(NettyLink.class.getName());
    private static final FramedMessageEncoder ENCODER = new FramedMessageEncoder();

    private enum State { NEW, RUNNING, STOPPED }

    private final LinkConfig config;
    private final MessageCodecPort codec;
    private final LinkStats stats = new LinkStats();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, LinkConnection> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PeerAddress, LinkConnection> outbound = new ConcurrentHashMap<>();
    private final ChannelFutureListener sendListener = f -> {
        if (f.isSuccess()) {
            stats.messagesOut.incrementAndGet();
        } else {
            stats.droppedSends.incrementAndGet();
        }
    };

    private volatile State state = State.NEW;
    private volatile LinkListener listener;
    private volatile InetSocketAddress boundAddress;
    private EventLoopGroup group;
    private Channel serverChannel;
    private Bootstrap clientBootstrap;
    private SslContext serverSsl;
    private SslContext clientSsl;

    public NettyLink(LinkConfig config, MessageCodecPort codec) {
        this.config = Objects.requireNonNull(config, "config");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /**
     * Loads the TLS material, starts the event loop and binds the listening socket; returns once
     * listening. A link starts once.
     *
     * @throws IllegalArgumentException if the TLS files are missing or unusable
     * @throws IllegalStateException    if already started, or the address cannot be bound
     */
    @Override
    public synchronized void start(LinkListener linkListener) {
        Objects.requireNonNull(linkListener, "listener");
        if (state != State.NEW) {
            throw new IllegalStateException("link already " + state.name().toLowerCase());
        }
        if (config.tls().enabled()) {
            LinkTls tls = LinkTls.load(config.tls());
            serverSsl = tls.server;
            clientSsl = tls.client;
        }
        this.listener = linkListener;
        group = new NioEventLoopGroup(config.eventLoopThreads(), new DefaultThreadFactory("reload-link", true));
        int high = (int) Math.max(64 * 1024,
            Math.min(16L * 1024 * 1024, (long) config.maxQueuedMessages() * (config.maxMessageSize() + 8)));
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(high / 2, high);
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());

        clientBootstrap = new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);

        ServerBootstrap server = new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // the frame decoder sees the end of input (and a frame cut short) before the close
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    LinkConnection c = new LinkConnection(ids.incrementAndGet(), null, false,
                        config.maxQueuedMessages(), nanoTime());
                    c.attach(ch);
                    connections.put(c.id, c);
                    ch.closeFuture().addListener(f -> closed(c));
                    if (state != State.RUNNING) {
                        c.closeCause("link stopped", false);
                        ch.close();
                        return;
                    }
                    initPipeline(ch, c, serverSsl);
                }
            });

        ChannelFuture bind = server.bind(config.listenAddress()).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            state = State.STOPPED;
            throw new IllegalStateException("cannot listen on " + config.listenAddress() + ": "
                + bind.cause(), bind.cause());
        }
        serverChannel = bind.channel();
        boundAddress = (InetSocketAddress) serverChannel.localAddress();
        state = State.RUNNING;
        LOG.log(Level.INFO, "overlay link listening on {0} ({1})", boundAddress,
            config.tls().enabled() ? "mutual TLS" : "plain TCP");
    }

    private void initPipeline(Channel ch, LinkConnection c, SslContext ssl) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            SslHandler h = ssl.newHandler(ch.alloc());
            h.setHandshakeTimeoutMillis(config.connectTimeout().toMillis());
            p.addLast("tls", h);
        }
        if (config.coalesceWrites()) {
            // a flush outside a read waits for the writes already queued on the event loop; a
            // flush during a read waits for the end of the read
            p.addLast("flush-consolidation", new FlushConsolidationHandler(256, true));
        }
        p.addLast("frame-decoder", new FramedMessageDecoder(config.maxMessageSize()));
        p.addLast("frame-encoder", ENCODER);
        p.addLast("link", new LinkChannelHandler(this, c, ssl != null));
    }

    /**
     * Sends a message; never blocks or throws for network trouble. {@link LinkTarget.ToAddress}
     * reuses the open or opening outbound connection to that address, or opens one (messages wait,
     * up to {@link LinkConfig#maxQueuedMessages()}, until it is up). {@link LinkTarget.OnConnection}
     * writes on that connection if it exists. Anything not sent is counted in
     * {@link LinkStats#droppedSends()}.
     */
    @Override
    public void send(LinkTarget target, Message message) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(message, "message");
        if (state != State.RUNNING) {
            drop("link not running", target);
            return;
        }
        byte[] bytes;
        try {
            bytes = codec.encode(message);
        } catch (RuntimeException e) {
            stats.encodeErrors.incrementAndGet();
            drop("encode failed: " + e, target);
            return;
        }
        if (bytes == null || bytes.length > config.maxMessageSize()) {
            drop("encoded message of " + (bytes == null ? "no" : bytes.length) + " bytes exceeds the maximum "
                + config.maxMessageSize(), target);
            return;
        }
        LinkConnection c;
        if (target instanceof LinkTarget.ToAddress to) {
            c = outboundTo(to.address());
        } else {
            c = connections.get(((LinkTarget.OnConnection) target).connectionId());
        }
        if (c == null || !c.submit(bytes, sendListener)) {
            drop(c == null ? "no such connection" : "connection closed, full or not writable", target);
        }
    }

    private void drop(String why, LinkTarget target) {
        stats.droppedSends.incrementAndGet();
        LOG.log(Level.DEBUG, "dropped a message to {0}: {1}", target, why);
    }

    private LinkConnection outboundTo(PeerAddress address) {
        LinkConnection[] created = new LinkConnection[1];
        LinkConnection c = outbound.compute(address, (a, old) -> {
            if (old != null && !old.isClosed()) {
                return old;
            }
            created[0] = new LinkConnection(ids.incrementAndGet(), a, true, config.maxQueuedMessages(), nanoTime());
            return created[0];
        });
        if (created[0] != null) {
            connections.put(c.id, c);
            connect(c);
        }
        return c;
    }

    private void connect(LinkConnection c) {
        ChannelFuture f;
        try {
            f = clientBootstrap.clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (!c.attach(ch)) {
                            ch.close();
                            return;
                        }
                        initPipeline(ch, c, clientSsl);
                    }
                })
                .connect(c.remoteListen.toSocketAddress());
        } catch (RuntimeException e) { // event loop already shut down
            c.closeCause("connect failed: " + e, true);
            closed(c);
            return;
        }
        // Watch the close future only once connected: Bootstrap closes a channel whose connect failed
        // from its own listener, which may run before this one and must not win the close reason.
        f.addListener((ChannelFutureListener) cf -> {
            if (cf.isSuccess()) {
                cf.channel().closeFuture().addListener(x -> closed(c));
            } else {
                if (c.closeCause("connect to " + c.remoteListen + " failed: " + cf.cause(), true)) {
                    stats.connectFailures.incrementAndGet();
                }
                closed(c);
            }
        });
    }

    /** Runs once per connection, whatever closed it: reports the close to the listener. */
    private void closed(LinkConnection c) {
        if (!c.claimReport()) {
            return;
        }
        c.closeCause("closed by the remote side", false);
        LinkConnection.CloseCause cause = c.closeCause();
        stats.droppedSends.addAndGet(c.markClosed());
        connections.remove(c.id, c);
        if (c.outbound) {
            outbound.remove(c.remoteListen, c);
        }
        if (c.established) {
            stats.connectionsOpen.decrementAndGet();
        }
        stats.connectionsClosed.incrementAndGet();
        if (cause.error()) {
            stats.connectionsClosedByError.incrementAndGet();
        }
        LOG.log(cause.error() ? Level.INFO : Level.DEBUG, "{0} closed: {1}", c, cause.reason());
        LinkListener l = listener;
        if (l != null) {
            try {
                l.onConnectionClosed(c.id, c.remoteListen, cause.reason());
            } catch (RuntimeException e) {
                stats.listenerErrors.incrementAndGet();
                LOG.log(Level.WARNING, "link listener failed on a closed connection", e);
            }
        }
    }

    void deliver(LinkConnection c, Message message) {
        try {
            listener.onMessage(c.id, c.remoteListen, message);
        } catch (RuntimeException e) {
            stats.listenerErrors.incrementAndGet();
            LOG.log(Level.WARNING, "link listener failed on a message", e);
        }
    }

    /**
     * Closes one connection: {@link LinkTarget.ToAddress} the outbound connection to that address
     * (inbound connections from the same peer are not affected), {@link LinkTarget.OnConnection}
     * that connection. The close is reported to the listener like any other.
     */
    @Override
    public void close(LinkTarget target) {
        Objects.requireNonNull(target, "target");
        LinkConnection c = target instanceof LinkTarget.ToAddress to
            ? outbound.get(to.address())
            : connections.get(((LinkTarget.OnConnection) target).connectionId());
        if (c != null) {
            closeLocally(c, "closed locally");
        }
    }

    private void closeLocally(LinkConnection c, String reason) {
        c.closeCause(reason, false);
        stats.droppedSends.addAndGet(c.markClosed());
        Channel ch = c.channel();
        if (ch != null) {
            ch.close();
        } else {
            closed(c);
        }
    }

    /**
     * Closes every connection (each is reported to the listener), stops listening and shuts the
     * event loop down, waiting up to a few seconds unless called from a link thread.
     */
    @Override
    public synchronized void stop() {
        if (state != State.RUNNING) {
            state = State.STOPPED;
            return;
        }
        state = State.STOPPED;
        List<ChannelFuture> closing = new ArrayList<>();
        closing.add(serverChannel.close());
        for (LinkConnection c : new ArrayList<>(connections.values())) {
            c.closeCause("link stopped", false);
            stats.droppedSends.addAndGet(c.markClosed());
            Channel ch = c.channel();
            if (ch != null) {
                closing.add(ch.close());
            } else {
                closed(c);
            }
        }
        boolean onLinkThread = false;
        for (EventExecutor e : group) {
            onLinkThread |= e.inEventLoop();
        }
        if (!onLinkThread) {
            for (ChannelFuture f : closing) {
                f.awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
        var terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!onLinkThread) {
            terminated.awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        LOG.log(Level.INFO, "overlay link on {0} stopped", boundAddress);
    }

    /** The bound listening socket address (the real port when configured with port 0); null before start. */
    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** The listening address to advertise to other peers (e.g. in Attach candidates). */
    public PeerAddress listenAddress() {
        InetSocketAddress a = boundAddress;
        if (a == null) {
            throw new IllegalStateException("link not started");
        }
        return new PeerAddress(a.getAddress(), a.getPort());
    }

    public LinkStats stats() {
        return stats;
    }

    /** A snapshot of every current connection (opening, open or closing). */
    public List<ConnectionInfo> connections() {
        List<ConnectionInfo> out = new ArrayList<>();
        for (LinkConnection c : connections.values()) {
            out.add(c.info());
        }
        return out;
    }

    /** One connection's snapshot, or null if there is no such connection. */
    public ConnectionInfo connection(long connectionId) {
        LinkConnection c = connections.get(connectionId);
        return c == null ? null : c.info();
    }

    LinkConfig config() {
        return config;
    }

    MessageCodecPort codec() {
        return codec;
    }

    ChannelFutureListener sendListener() {
        return sendListener;
    }

    long nanoTime() {
        return System.nanoTime();
    }
}
