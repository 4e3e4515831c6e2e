package org.sipring.peer.overlay.link;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.sipring.peer.overlay.PeerAddress;

/**
 * One connection of a {@link NettyLink}: its id, what was dialled, the messages held while it
 * connects, and the framing state (owned by its event loop; the volatile copies feed snapshots).
 */
final class LinkConnection {

    /** Why a connection closed; the first reason set wins. */
    record CloseCause(String reason, boolean error) {
    }

    /** A RELOAD message already encoded, on its way to the framing handler. */
    record Outbound(byte[] bytes) {
    }

    private enum State { CONNECTING, OPEN, CLOSED }

    final long id;
    final PeerAddress remoteListen;
    final boolean outbound;
    private final int maxQueued;

    private State state = State.CONNECTING;          // guarded by this
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>(); // guarded by this
    private Channel channel;                         // guarded by this

    private final AtomicReference<CloseCause> closeCause = new AtomicReference<>();
    private final AtomicBoolean reported = new AtomicBoolean();
    volatile boolean established;

    // Owned by the channel's event loop.
    final SendWindow sendWindow = new SendWindow();
    final ReceiveWindow receiveWindow = new ReceiveWindow();
    final RttEstimator rtt = new RttEstimator();

    // Copies for other threads.
    volatile int unackedSnapshot;
    volatile long srttNanos;
    volatile long rttvarNanos;
    volatile long rtoNanos = RttEstimator.INITIAL_RTO_NANOS;
    volatile long rttSamples;
    volatile boolean suspect;
    volatile long lastActivityNanos;

    LinkConnection(long id, PeerAddress remoteListen, boolean outbound, int maxQueued, long nowNanos) {
        this.id = id;
        this.remoteListen = remoteListen;
        this.outbound = outbound;
        this.maxQueued = maxQueued;
        this.lastActivityNanos = nowNanos;
    }

    /** Binds the channel; false if the connection was closed before it got one. */
    synchronized boolean attach(Channel ch) {
        if (state == State.CLOSED) {
            return false;
        }
        channel = ch;
        return true;
    }

    synchronized Channel channel() {
        return channel;
    }

    synchronized boolean isClosed() {
        return state == State.CLOSED;
    }

    synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    /**
     * Hands an encoded message to the connection: queued while connecting, written when open.
     * Returns false if it was dropped. Never blocks beyond a short lock.
     */
    boolean submit(byte[] bytes, ChannelFutureListener onWritten) {
        Channel ch;
        synchronized (this) {
            if (state == State.CONNECTING) {
                if (pending.size() >= maxQueued) {
                    return false;
                }
                pending.addLast(bytes);
                return true;
            }
            if (state == State.CLOSED) {
                return false;
            }
            ch = channel;
        }
        if (!ch.isWritable()) {
            return false;
        }
        ch.writeAndFlush(new Outbound(bytes)).addListener(onWritten);
        return true;
    }

    /**
     * Marks the connection open and writes what was queued, in order, before any later send can
     * (it holds the lock while writing; call on the channel's event loop).
     */
    synchronized void open(ChannelFutureListener onWritten) {
        if (state != State.CONNECTING) {
            return;
        }
        while (!pending.isEmpty()) {
            channel.writeAndFlush(new Outbound(pending.pollFirst())).addListener(onWritten);
        }
        state = State.OPEN;
    }

    /** Marks the connection closed; returns how many queued messages were dropped. */
    synchronized int markClosed() {
        state = State.CLOSED;
        int dropped = pending.size();
        pending.clear();
        return dropped;
    }

    /** Records why the connection closes; false if a reason was already set. */
    boolean closeCause(String reason, boolean error) {
        return closeCause.compareAndSet(null, new CloseCause(reason, error));
    }

    CloseCause closeCause() {
        return closeCause.get();
    }

    /** True exactly once: the caller reports the close. */
    boolean claimReport() {
        return reported.compareAndSet(false, true);
    }

    /** Refreshes the volatile copies from the event-loop-owned state. */
    void publishFramingState() {
        unackedSnapshot = sendWindow.unackedCount();
        srttNanos = rtt.srttNanos();
        rttvarNanos = rtt.rttvarNanos();
        rtoNanos = rtt.rtoNanos();
        rttSamples = rtt.samples();
    }

    ConnectionInfo info() {
        Channel ch = channel();
        InetSocketAddress remote = ch == null ? null : (InetSocketAddress) ch.remoteAddress();
        return new ConnectionInfo(id, outbound, remoteListen, remote, isOpen(), unackedSnapshot,
            Duration.ofNanos(srttNanos), Duration.ofNanos(rttvarNanos), Duration.ofNanos(rtoNanos),
            rttSamples, suspect);
    }

    @Override
    public String toString() {
        return "connection " + id + (outbound ? " to " + remoteListen : " (inbound)");
    }
}
