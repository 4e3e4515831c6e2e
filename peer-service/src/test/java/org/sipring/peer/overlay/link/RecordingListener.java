package org.sipring.peer.overlay.link;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;

/** Records link events without blocking; optionally answers every ping with a pong on its connection. */
final class RecordingListener implements LinkListener {

    record Received(long connectionId, PeerAddress remoteListen, Message message, String thread) {
        long tx() {
            return message.transactionId();
        }
    }

    record Closed(long connectionId, PeerAddress remoteListen, String reason) {
    }

    final Queue<Received> received = new ConcurrentLinkedQueue<>();
    final Queue<Closed> closed = new ConcurrentLinkedQueue<>();
    volatile Link replyVia;

    /** Answers pings with pongs through {@code link}. */
    RecordingListener answering(Link link) {
        this.replyVia = link;
        return this;
    }

    @Override
    public void onMessage(long connectionId, PeerAddress remoteListen, Message message) {
        received.add(new Received(connectionId, remoteListen, message, Thread.currentThread().getName()));
        Link l = replyVia;
        if (l != null && message.body() instanceof MessageBody.PingReq) {
            l.send(new LinkTarget.OnConnection(connectionId), FakeCodec.pong(message.transactionId()));
        }
    }

    @Override
    public void onConnectionClosed(long connectionId, PeerAddress remoteListen, String reason) {
        closed.add(new Closed(connectionId, remoteListen, reason));
    }

    boolean got(long tx) {
        return received.stream().anyMatch(r -> r.tx() == tx);
    }

    Received the(long tx) {
        return received.stream().filter(r -> r.tx() == tx).findFirst().orElseThrow();
    }

    List<Long> txs(LongPredicate filter) {
        return received.stream().map(Received::tx).filter(filter::test).collect(Collectors.toList());
    }

    boolean closedWith(long connectionId) {
        return closed.stream().anyMatch(c -> c.connectionId() == connectionId);
    }
}
