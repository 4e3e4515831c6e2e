package org.sipring.peer.overlay.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.message.MessageBody;

/** Plain-TCP NettyLinks on loopback. */
class NettyLinkTest extends LinkTestSupport {

    @AfterEach
    void tearDown() {
        stopAll();
    }

    private static ConnectionInfo outboundTo(NettyLink from, PeerAddress to) {
        return from.connections().stream()
            .filter(c -> c.outbound() && to.equals(c.remoteListen()))
            .findFirst().orElse(null);
    }

    @Test
    void exposesTheBoundEphemeralPort() {
        NettyLink a = start(loopback(), new RecordingListener());
        assertThat(a.boundAddress().getPort()).isPositive();
        assertThat(a.listenAddress()).isEqualTo(new PeerAddress(LOOPBACK, a.boundAddress().getPort()));
    }

    @Test
    void exchangesMessagesBothWaysAndRepliesOnTheInboundConnection() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NettyLink a = startAnswering(loopback(), la);
        NettyLink b = startAnswering(loopback(), lb);

        long t1 = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t1));
        eventually().until(() -> la.got(t1));

        RecordingListener.Received atB = lb.the(t1);
        assertThat(atB.remoteListen()).as("inbound connections carry no listen address").isNull();
        assertThat(atB.message().body()).isInstanceOf(MessageBody.PingReq.class);
        assertThat(atB.thread()).startsWith("reload-link");
        RecordingListener.Received pong = la.the(t1);
        assertThat(pong.message().body()).isInstanceOf(MessageBody.PingAns.class);
        assertThat(pong.remoteListen()).as("outbound connections report the address dialled")
            .isEqualTo(b.listenAddress());
        assertThat(pong.connectionId()).isEqualTo(outboundTo(a, b.listenAddress()).id());
        assertThat(b.connection(atB.connectionId()).outbound()).isFalse();

        long t2 = tx();
        b.send(new LinkTarget.ToAddress(a.listenAddress()), FakeCodec.ping(t2));
        eventually().until(() -> lb.got(t2) && lb.the(t2).message().body() instanceof MessageBody.PingAns);
        assertThat(lb.the(t2).remoteListen()).isEqualTo(a.listenAddress());
        assertThat(la.the(t2).remoteListen()).isNull();

        assertThat(a.stats().messagesIn()).isEqualTo(2);
        assertThat(a.stats().messagesOut()).isEqualTo(2);
        assertThat(a.stats().connectionsOpen()).isEqualTo(2);
        assertThat(a.stats().decodeErrors()).isZero();
    }

    @Test
    void acksSettleEveryFrameAndGiveAnRto() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NettyLink a = start(loopback(), la);
        NettyLink b = startAnswering(loopback(), lb);
        List<Long> txs = LongStream.range(0, 30).map(i -> tx()).boxed().collect(Collectors.toList());
        for (long t : txs) {
            a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t));
        }
        eventually().until(() -> txs.stream().allMatch(la::got));
        eventually().until(() -> outboundTo(a, b.listenAddress()).unackedFrames() == 0);

        ConnectionInfo info = outboundTo(a, b.listenAddress());
        assertThat(info.rttSamples()).isGreaterThanOrEqualTo(1);
        assertThat(info.srtt()).isPositive();
        assertThat(info.rto()).isBetween(Duration.ofMillis(1), Duration.ofSeconds(1));
        assertThat(info.suspect()).isFalse();
        assertThat(a.connections()).filteredOn(ConnectionInfo::outbound).hasSize(1);
        assertThat(lb.txs(t -> true)).as("one connection keeps the order").containsExactlyElementsOf(txs);
        // 30 data frames + 30 acks each way; the last acks may still be on their way
        eventually().until(() -> b.stats().framesIn() >= 60 && b.stats().framesOut() >= 60);
        assertThat(b.stats().framesIn()).isEqualTo(60);
        assertThat(b.stats().framesOut()).isEqualTo(60);
        eventually().until(() -> b.connections().stream().allMatch(c -> c.unackedFrames() == 0 && c.rttSamples() > 0));
    }

    @Test
    void messagesSentWhileConnectingAreQueuedAndDeliveredInOrder() {
        RecordingListener lb = new RecordingListener();
        NettyLink a = start(loopback(), new RecordingListener());
        NettyLink b = start(loopback(), lb);
        List<Long> txs = LongStream.range(0, 5).map(i -> tx()).boxed().collect(Collectors.toList());
        txs.forEach(t -> a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t)));
        eventually().until(() -> lb.received.size() == 5);
        assertThat(lb.txs(t -> true)).containsExactlyElementsOf(txs);
        assertThat(a.stats().droppedSends()).isZero();
    }

    @Test
    void reportsCloseOnBothSidesWhenAPeerStops() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NettyLink a = start(loopback(), la);
        NettyLink b = startAnswering(loopback(), lb);
        PeerAddress bAddress = b.listenAddress();
        long t = tx();
        a.send(new LinkTarget.ToAddress(bAddress), FakeCodec.ping(t));
        eventually().until(() -> la.got(t));
        long id = la.the(t).connectionId();

        b.stop();
        eventually().until(() -> la.closedWith(id));
        RecordingListener.Closed closed = la.closed.peek();
        assertThat(closed.remoteListen()).isEqualTo(bAddress);
        assertThat(closed.reason()).isNotBlank();
        assertThat(lb.closed).extracting(RecordingListener.Closed::reason).containsExactly("link stopped");
        eventually().until(() -> a.stats().connectionsOpen() == 0);
        assertThat(a.connections()).isEmpty();

        // sending again dials again, fails and reports that too
        a.send(new LinkTarget.ToAddress(bAddress), FakeCodec.ping(tx()));
        eventually().until(() -> la.closed.size() == 2);
        assertThat(a.stats().connectFailures()).isEqualTo(1);
    }

    @Test
    void aFailedConnectIsReportedAndItsQueuedMessagesCountedAsDropped() throws IOException {
        PeerAddress nobody;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            nobody = new PeerAddress(LOOPBACK, s.getLocalPort());
        }
        RecordingListener la = new RecordingListener();
        NettyLink a = start(loopback(), la);
        a.send(new LinkTarget.ToAddress(nobody), FakeCodec.ping(tx()));
        a.send(new LinkTarget.ToAddress(nobody), FakeCodec.ping(tx()));
        // the second send is queued on the first attempt, or dials again if that one already failed
        eventually().until(() -> a.stats().droppedSends() == 2 && a.connections().isEmpty()
            && la.closed.size() == a.stats().connectFailures());
        assertThat(la.closed).isNotEmpty().allSatisfy(c -> {
            assertThat(c.remoteListen()).isEqualTo(nobody);
            assertThat(c.reason()).contains("connect to " + nobody + " failed");
        });
        assertThat(a.stats().connectionsClosedByError()).isEqualTo(la.closed.size());
        assertThat(a.stats().connectionsOpened()).isZero();
    }

    @Test
    void sendOnAnUnknownConnectionIsDroppedAndCounted() {
        NettyLink a = start(loopback(), new RecordingListener());
        a.send(new LinkTarget.OnConnection(424242), FakeCodec.ping(tx()));
        assertThat(a.stats().droppedSends()).isEqualTo(1);
    }

    @Test
    void aMessageLargerThanTheMaximumIsNotSent() {
        RecordingListener lb = new RecordingListener();
        NettyLink a = start(loopback().withMaxMessageSize(100), new RecordingListener());
        NettyLink b = start(loopback(), lb);
        long small = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(tx(), 100));
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(small));
        eventually().until(() -> lb.got(small));
        assertThat(lb.received).hasSize(1);
        assertThat(a.stats().droppedSends()).isEqualTo(1);
    }

    @Test
    void aFrameOverTheReceiversMaximumClosesOnlyThatConnection() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NettyLink a = start(loopback(), la);
        NettyLink b = startAnswering(loopback().withMaxMessageSize(200), lb);
        // a healthy connection c2 -> b first
        RecordingListener lcl = new RecordingListener();
        NettyLink c2 = start(loopback(), lcl);
        long ok = tx();
        c2.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(ok));
        eventually().until(() -> lcl.got(ok) && lcl.the(ok).message().body() instanceof MessageBody.PingAns);

        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(tx(), 1000));
        eventually().until(() -> !la.closed.isEmpty());
        eventually().until(() -> b.stats().decodeErrors() == 1);
        assertThat(lb.closed).singleElement()
            .satisfies(x -> assertThat(x.reason()).contains("exceeds the maximum message size 200"));
        assertThat(b.stats().connectionsClosedByError()).isEqualTo(1);

        long after = tx();
        c2.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(after));
        eventually().until(() -> lcl.received.stream().anyMatch(r -> r.tx() == after));
        assertThat(lcl.closed).isEmpty();
    }

    @Test
    void anUnackedFrameClosesTheConnectionAfterTheLinkDeadTimeout() throws IOException {
        // the kernel completes the TCP handshake; nobody ever reads or acknowledges
        try (ServerSocket silent = new ServerSocket(0, 5, LOOPBACK)) {
            RecordingListener la = new RecordingListener();
            // suspect once older than the RTO (1 s before any sample), closed after the link-dead timeout
            NettyLink a = start(loopback().withLinkDeadTimeout(Duration.ofMillis(1500)), la);
            PeerAddress target = new PeerAddress(LOOPBACK, silent.getLocalPort());
            a.send(new LinkTarget.ToAddress(target), FakeCodec.ping(tx()));
            eventually().until(() -> a.connections().stream().anyMatch(ConnectionInfo::open));
            eventually().until(() -> a.connections().stream().anyMatch(ConnectionInfo::suspect));
            assertThat(la.closed).as("suspect, not yet dead").isEmpty();
            eventually().until(() -> !la.closed.isEmpty());
            assertThat(la.closed.peek().reason()).contains("link dead");
            assertThat(la.closed.peek().remoteListen()).isEqualTo(target);
            assertThat(a.stats().linkDeadClosures()).isEqualTo(1);
            assertThat(a.stats().connectionsClosedByError()).isEqualTo(1);
        }
    }

    @Test
    void anIdleOutboundConnectionIsClosedButNotAsAnError() {
        RecordingListener la = new RecordingListener();
        NettyLink a = start(loopback().withLinkDeadTimeout(Duration.ofMillis(400))
            .withOutboundIdleTimeout(Duration.ofMillis(200)), la);
        NettyLink b = startAnswering(loopback(), new RecordingListener());
        long t = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t));
        eventually().until(() -> la.got(t));
        eventually().until(() -> !la.closed.isEmpty());
        assertThat(la.closed.peek().reason()).startsWith("idle");
        assertThat(a.stats().connectionsClosedByError()).isZero();
        eventually().until(() -> b.stats().connectionsOpen() == 0);
    }

    @Test
    void closeByAddressAndByIdReportsTheClose() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NettyLink a = start(loopback(), la);
        NettyLink b = startAnswering(loopback(), lb);
        long t = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t));
        eventually().until(() -> la.got(t));
        a.close(new LinkTarget.ToAddress(b.listenAddress()));
        eventually().until(() -> la.closedWith(la.the(t).connectionId()));
        assertThat(la.closed.peek().reason()).isEqualTo("closed locally");

        long t2 = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t2));
        eventually().until(() -> lb.got(t2));
        b.close(new LinkTarget.OnConnection(lb.the(t2).connectionId()));
        eventually().until(() -> la.closed.size() == 2 && lb.closedWith(lb.the(t2).connectionId()));
        assertThat(la.the(t2).connectionId()).isNotEqualTo(la.the(t).connectionId());
    }

    @Test
    void aThrowingListenerDoesNotHurtTheConnection() {
        RecordingListener la = new RecordingListener();
        NettyLink a = start(loopback(), la);
        NettyLink b = new NettyLink(loopback(), new FakeCodec());
        started.add(b);
        RecordingListener inner = new RecordingListener().answering(b);
        b.start(new LinkListener() {
            @Override
            public void onMessage(long connectionId, PeerAddress remoteListen,
                                  org.sipring.peer.overlay.message.Message message) {
                inner.onMessage(connectionId, remoteListen, message);
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onConnectionClosed(long connectionId, PeerAddress remoteListen, String reason) {
                inner.onConnectionClosed(connectionId, remoteListen, reason);
            }
        });
        long t1 = tx();
        long t2 = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t1));
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t2));
        eventually().until(() -> la.got(t1) && la.got(t2));
        assertThat(b.stats().listenerErrors()).isEqualTo(2);
        assertThat(la.closed).isEmpty();
    }

    @Test
    void garbageOnARawSocketClosesItAndCountsADecodeError() throws IOException {
        NettyLink a = start(loopback(), new RecordingListener());
        try (Socket s = new Socket(LOOPBACK, a.boundAddress().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00});  // a TLS ClientHello start
            s.getOutputStream().flush();
            assertThat(readToEnd(s.getInputStream())).isTrue();
        }
        eventually().until(() -> a.stats().decodeErrors() == 1);
        assertThat(a.stats().connectionsClosedByError()).isEqualTo(1);
    }

    @Test
    void stoppedLinkDropsSendsAndCannotRestart() {
        NettyLink a = start(loopback(), new RecordingListener());
        a.stop();
        a.send(new LinkTarget.OnConnection(1), FakeCodec.ping(tx()));
        assertThat(a.stats().droppedSends()).isEqualTo(1);
        assertThatThrownBy(() -> a.start(new RecordingListener())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aBusyPortIsAClearError() {
        NettyLink a = start(loopback(), new RecordingListener());
        NettyLink b = new NettyLink(LinkConfig.plain(a.boundAddress()), new FakeCodec());
        assertThatThrownBy(() -> b.start(new RecordingListener()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("cannot listen on");
    }

    /** Reads until the peer closes; true on EOF or reset, false never (a timeout throws). */
    static boolean readToEnd(InputStream in) throws IOException {
        byte[] buf = new byte[512];
        try {
            while (in.read(buf) >= 0) {
                // discard ACKs
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            throw e;
        } catch (java.net.SocketException e) {
            return true; // connection reset by the peer: closed as well
        }
    }
}
