package org.sipring.peer.overlay.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.message.MessageBody;

/** Mutual TLS between links, with certificates made by openssl for the test. */
class NettyLinkTlsTest extends LinkTestSupport {

    @TempDir
    static Path dir;
    static TestPki.Peer alice;
    static TestPki.Peer bob;
    /** Certificate from another CA, but trusts the overlay CA: the server side must reject it. */
    static TestPki.Peer mallory;
    /** Certificate from another CA and trusts only that CA: the client side must reject it. */
    static TestPki.Peer trudy;
    static Path overlayCa;

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestPki pki = new TestPki(dir);
        overlayCa = pki.ca("overlay-ca");
        Path otherCa = pki.ca("other-ca");
        alice = pki.peer("alice", overlayCa);
        bob = pki.peer("bob", overlayCa);
        mallory = pki.peer("mallory", otherCa).trusting(overlayCa);
        trudy = pki.peer("trudy", otherCa);
    }

    @AfterEach
    void tearDown() {
        stopAll();
    }

    private static LinkConfig tls(TestPki.Peer p) {
        return loopback().withTls(p.tls());
    }

    @Test
    void peersWithOverlayCertificatesExchangeMessagesBothWays() {
        RecordingListener la = new RecordingListener();
        RecordingListener lb = new RecordingListener();
        NettyLink a = startAnswering(tls(alice), la);
        NettyLink b = startAnswering(tls(bob), lb);

        long t1 = tx();
        a.send(new LinkTarget.ToAddress(b.listenAddress()), FakeCodec.ping(t1));
        eventually().until(() -> la.got(t1));
        assertThat(la.the(t1).message().body()).isInstanceOf(MessageBody.PingAns.class);
        assertThat(lb.the(t1).remoteListen()).isNull();

        long t2 = tx();
        b.send(new LinkTarget.ToAddress(a.listenAddress()), FakeCodec.ping(t2));
        eventually().until(() -> lb.got(t2) && lb.the(t2).message().body() instanceof MessageBody.PingAns);
        eventually().until(() -> a.connections().stream().allMatch(c -> c.unackedFrames() == 0 && c.rttSamples() > 0));
        assertThat(a.stats().tlsFailures()).isZero();
        assertThat(b.stats().tlsFailures()).isZero();
    }

    @Test
    void theServerRejectsAClientCertificateFromAnotherCa() {
        RecordingListener la = new RecordingListener();
        RecordingListener lm = new RecordingListener();
        NettyLink a = startAnswering(tls(alice), la);
        NettyLink m = start(tls(mallory), lm);

        m.send(new LinkTarget.ToAddress(a.listenAddress()), FakeCodec.ping(tx()));
        eventually().until(() -> !lm.closed.isEmpty());
        eventually().until(() -> a.stats().tlsFailures() >= 1);
        assertThat(lm.closed.peek().remoteListen()).isEqualTo(a.listenAddress());
        assertThat(la.received).as("nothing delivered from the rejected peer").isEmpty();
        assertThat(lm.received).isEmpty();
        assertThat(a.stats().messagesIn()).isZero();
        eventually().until(() -> a.stats().connectionsOpen() == 0);
    }

    @Test
    void theClientRejectsAServerCertificateFromAnotherCa() {
        RecordingListener la = new RecordingListener();
        RecordingListener lt = new RecordingListener();
        NettyLink a = start(tls(alice), la);
        NettyLink t = startAnswering(tls(trudy), lt);

        a.send(new LinkTarget.ToAddress(t.listenAddress()), FakeCodec.ping(tx()));
        eventually().until(() -> !la.closed.isEmpty());
        assertThat(la.closed.peek().reason()).containsIgnoringCase("TLS");
        assertThat(la.closed.peek().remoteListen()).isEqualTo(t.listenAddress());
        assertThat(a.stats().tlsFailures()).isGreaterThanOrEqualTo(1);
        assertThat(a.stats().droppedSends()).isEqualTo(1);
        assertThat(lt.received).isEmpty();
        assertThat(t.stats().messagesIn()).isZero();
    }

    @Test
    void aPlainPeerCannotTalkToATlsPeer() {
        RecordingListener la = new RecordingListener();
        NettyLink a = start(tls(alice), la);
        RecordingListener lp = new RecordingListener();
        NettyLink plain = start(loopback(), lp);
        plain.send(new LinkTarget.ToAddress(a.listenAddress()), FakeCodec.ping(tx()));
        eventually().until(() -> !lp.closed.isEmpty() && !la.closed.isEmpty());
        assertThat(la.closed.peek().reason()).contains("TLS handshake failed");
        assertThat(la.received).isEmpty();
    }

    @Test
    void messagesBeyondTheQueueLimitAreDroppedWhileTheHandshakeIsPending() throws IOException {
        // the kernel accepts the TCP connection but nobody ever answers the TLS handshake
        try (ServerSocket silent = new ServerSocket(0, 5, LOOPBACK)) {
            RecordingListener la = new RecordingListener();
            NettyLink a = start(tls(alice).withMaxQueuedMessages(2), la);
            PeerAddress target = new PeerAddress(LOOPBACK, silent.getLocalPort());
            for (int i = 0; i < 5; i++) {
                a.send(new LinkTarget.ToAddress(target), FakeCodec.ping(tx()));
            }
            assertThat(a.stats().droppedSends()).isEqualTo(3);
            assertThat(a.connections()).singleElement().satisfies(c -> assertThat(c.open()).isFalse());
            a.close(new LinkTarget.ToAddress(target));
            eventually().until(() -> !la.closed.isEmpty());
            assertThat(a.stats().droppedSends()).isEqualTo(5);
        }
    }

    @Test
    void missingOrBrokenTlsFilesFailAtStart() throws IOException {
        Path garbage = Files.writeString(dir.resolve("garbage.key"), "-----BEGIN PRIVATE KEY-----\nnope\n"
            + "-----END PRIVATE KEY-----\n");
        InetSocketAddress any = new InetSocketAddress(LOOPBACK, 0);

        NettyLink missing = new NettyLink(LinkConfig.mutualTls(any, dir.resolve("nope.pem"), alice.key(), overlayCa),
            new FakeCodec());
        assertThatThrownBy(() -> missing.start(new RecordingListener()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("certificate chain")
            .hasMessageContaining("nope.pem");

        NettyLink broken = new NettyLink(LinkConfig.mutualTls(any, alice.chain(), garbage, overlayCa),
            new FakeCodec());
        assertThatThrownBy(() -> broken.start(new RecordingListener()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("garbage.key");

        NettyLink wrongCa = new NettyLink(LinkConfig.mutualTls(any, alice.chain(), alice.key(), garbage),
            new FakeCodec());
        assertThatThrownBy(() -> wrongCa.start(new RecordingListener()))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("CA bundle");
    }
}
