package org.sipring.peer.overlay.link;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.sipring.peer.overlay.link.LinkDecodeException.MalformedFrameException;
import org.sipring.peer.overlay.link.LinkDecodeException.UndecodableMessageException;
import org.sipring.peer.overlay.message.Message;

/**
 * The last handler of a link connection's pipeline: sequences outgoing messages into data frames,
 * acknowledges every data frame received, measures RTT from ACKs, decodes messages with the codec
 * port and hands them to the link, and closes the connection on a bad frame, a TLS or I/O error, a
 * frame unacknowledged past the link-dead timeout, or (outbound only) idleness.
 */
final class LinkChannelHandler extends ChannelDuplexHandler {

    private final NettyLink link;
    private final LinkConnection c;
    private final boolean tls;
    private final long linkDeadNanos;
    private final long idleNanos;
    private final int maxUnacked;
    private ScheduledFuture<?> timer;
    private boolean closing;

    LinkChannelHandler(NettyLink link, LinkConnection connection, boolean tls) {
        this.link = link;
        this.c = connection;
        this.tls = tls;
        LinkConfig cfg = link.config();
        this.linkDeadNanos = cfg.linkDeadTimeout().toNanos();
        this.idleNanos = connection.outbound ? cfg.outboundIdleTimeout().toNanos() : 0;
        this.maxUnacked = cfg.maxUnackedFrames();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        c.established = true;
        c.lastActivityNanos = link.nanoTime();
        link.stats().connectionsOpened.incrementAndGet();
        link.stats().connectionsOpen.incrementAndGet();
        long period = Math.max(10_000_000L, Math.min(1_000_000_000L, linkDeadNanos / 4));
        timer = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), period, period, TimeUnit.NANOSECONDS);
        if (!tls) {
            c.open(link.sendListener());
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                c.open(link.sendListener());
            } else if (fail(ctx, "TLS handshake failed: " + describe(e.cause()), true)) {
                link.stats().tlsFailures.incrementAndGet();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // the remote side finished sending; the decoders have already checked for a cut-off frame
            fail(ctx, "closed by the remote side", false);
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof FramedMessage.Data data) {
            onData(ctx, data);
        } else if (msg instanceof FramedMessage.Ack ack) {
            onAck(ctx, ack);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onData(ChannelHandlerContext ctx, FramedMessage.Data data) {
        link.stats().framesIn.incrementAndGet();
        int received = c.receiveWindow.receive(data.sequence());
        link.stats().framesOut.incrementAndGet();
        ctx.writeAndFlush(new FramedMessage.Ack(data.sequence(), received));
        // Sends stop at the high water mark; only ACKs go past it. A remote that keeps sending but
        // never reads would make them pile up without bound, so give up on it.
        if (ctx.channel().bytesBeforeWritable() > ctx.channel().config().getWriteBufferHighWaterMark()) {
            fail(ctx, "remote is not reading: " + ctx.channel().bytesBeforeWritable()
                + " bytes of ACKs waiting to be written", true);
            return;
        }
        Message message;
        try {
            message = link.codec().decode(data.message());
            if (message == null) {
                throw new IllegalStateException("codec returned no message");
            }
        } catch (Exception | StackOverflowError e) {
            decodeFailure(ctx, new UndecodableMessageException(data.sequence(), e));
            return;
        }
        c.lastActivityNanos = link.nanoTime();
        link.stats().messagesIn.incrementAndGet();
        link.deliver(c, message);
    }

    private void onAck(ChannelHandlerContext ctx, FramedMessage.Ack ack) {
        link.stats().framesIn.incrementAndGet();
        SendWindow.AckOutcome outcome = c.sendWindow.ack(ack.ackSequence(), link.nanoTime());
        if (outcome == SendWindow.AckOutcome.NEVER_SENT) {
            decodeFailure(ctx, new MalformedFrameException("ACK for sequence "
                + Integer.toUnsignedString(ack.ackSequence()) + ", which was never sent"));
            return;
        }
        long sample = c.sendWindow.lastSampleNanos();
        if (sample >= 0) {
            c.rtt.sample(sample);
        }
        if (c.sendWindow.unackedCount() == 0) {
            c.suspect = false;
        }
        c.publishFramingState();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof LinkConnection.Outbound out) {
            if (closing) {
                promise.tryFailure(new IOException(c + " is closing"));
                return;
            }
            if (c.sendWindow.unackedCount() >= maxUnacked) {
                promise.tryFailure(new IOException(c + " has " + maxUnacked + " unacknowledged frames"));
                return;
            }
            long now = link.nanoTime();
            int seq = c.sendWindow.next(now);
            c.lastActivityNanos = now;
            c.publishFramingState();
            link.stats().framesOut.incrementAndGet();
            ctx.write(new FramedMessage.Data(seq, out.bytes()), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof LinkDecodeException lde) {
            decodeFailure(ctx, lde);
        } else if (find(cause, SSLException.class) != null) {
            if (fail(ctx, "TLS error: " + describe(find(cause, SSLException.class)), true)) {
                link.stats().tlsFailures.incrementAndGet();
            }
        } else if (find(cause, LinkDecodeException.class) != null) {
            decodeFailure(ctx, find(cause, LinkDecodeException.class));
        } else if (cause instanceof IOException) {
            fail(ctx, "I/O error: " + describe(cause), true);
        } else {
            fail(ctx, "link error: " + describe(cause), true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void tick(ChannelHandlerContext ctx) {
        if (closing) {
            return;
        }
        long now = link.nanoTime();
        long oldest = c.sendWindow.oldestUnackedSentNanos();
        if (oldest >= 0) {
            long age = now - oldest;
            c.suspect = age > c.rtt.rtoNanos();
            if (age > linkDeadNanos) {
                if (fail(ctx, "no framing ACK for " + TimeUnit.NANOSECONDS.toMillis(age)
                    + " ms: link dead (RFC 6940 section 6.6.5)", true)) {
                    link.stats().linkDeadClosures.incrementAndGet();
                }
                return;
            }
        } else {
            c.suspect = false;
            if (idleNanos > 0 && now - c.lastActivityNanos > idleNanos) {
                fail(ctx, "idle for " + TimeUnit.NANOSECONDS.toSeconds(now - c.lastActivityNanos) + " s", false);
            }
        }
    }

    private void decodeFailure(ChannelHandlerContext ctx, LinkDecodeException e) {
        if (fail(ctx, "decode error: " + e.getMessage(), true)) {
            link.stats().decodeErrors.incrementAndGet();
        }
    }

    /** Closes the connection; true if this call set the reason. */
    private boolean fail(ChannelHandlerContext ctx, String reason, boolean error) {
        closing = true;
        boolean first = c.closeCause(reason, error);
        ctx.close();
        return first;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String describe(Throwable t) {
        if (t == null) {
            return "unknown";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
