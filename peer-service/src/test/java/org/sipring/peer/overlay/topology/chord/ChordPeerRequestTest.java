package org.sipring.peer.overlay.topology.chord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.link.LinkListener;
import org.sipring.peer.overlay.link.LinkTarget;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageExtension.PeerDirectory;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;
import org.sipring.peer.overlay.topology.chord.sim.ManualClock;
import org.sipring.peer.overlay.topology.chord.sim.SimNetwork;

/** One peer driven by hand: end-to-end reliability (RFC 6940 §6.2.1), RouteQuery and Probe answers. */
class ChordPeerRequestTest {

    private record Sent(LinkTarget target, Message message) {
    }

    private static final class RecordingLink implements Link {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void start(LinkListener listener) {
        }

        @Override
        public void send(LinkTarget target, Message message) {
            sent.add(new Sent(target, message));
        }

        @Override
        public void close(LinkTarget target) {
        }

        @Override
        public void stop() {
        }
    }

    private final ManualClock clock = new ManualClock(1_000_000);
    private final RecordingLink link = new RecordingLink();
    private final ChordConfig config = ChordConfig.defaults("test.sipring", SimNetwork.address(1))
        .withNodeId(NodeId.fromHex("40000000000000000000000000000000"))
        .withTimers(Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60));
    private final ChordPeer peer = new ChordPeer(config, link, clock, new SplittableRandom(3), null);

    /**
     * Tells the peer, through an Update, of a second live peer at c0.., which then owns
     * (40.., c0..] while this peer owns (c0.., 40..].
     */
    private NodeId learnOtherPeer() {
        NodeId other = NodeId.fromHex("c0000000000000000000000000000000");
        ForwardingHeader h = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 100, 1, 0,
            List.of(), List.of(new Destination.Node(peer.nodeId())), new byte[0]);
        peer.onMessage(1, null, new Message(h, new MessageBody.UpdateReq(1, MessageBody.UpdateType.PEER_READY,
            List.of(), List.of(), List.of()), List.of(new PeerDirectory(
            List.of(new PeerRecord(other, SimNetwork.address(2), 1, PeerStatus.ALIVE))))));
        return other;
    }

    private Message ping(long txId) {
        ForwardingHeader h = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 100, txId, 0,
            List.of(), List.of(new Destination.Node(peer.nodeId())), new byte[0]);
        return new Message(h, new MessageBody.PingReq(0), List.of());
    }

    @Test
    void aRetransmittedRequestGetsTheSameAnswerAndRunsOnce() {
        peer.join(List.of(), new CompletableFuture<>());
        link.sent.clear();
        peer.onMessage(7, null, ping(42));
        clock.set(clock.millis() + 3_000);
        peer.onMessage(8, null, ping(42));

        List<Sent> answers = link.sent.stream().filter(s -> s.message().code().isResponse()).toList();
        assertEquals(2, answers.size());
        assertEquals(answers.get(0).message().body(), answers.get(1).message().body(), "same PingAns both times");
        assertEquals(new LinkTarget.OnConnection(8), answers.get(1).target(), "the repeat is answered where it came");
        assertEquals(1, peer.stats().requestsHandled);
        assertEquals(1, peer.stats().duplicateRequests);

        clock.set(clock.millis() + 15_001);
        peer.tick();
        peer.onMessage(9, null, ping(42));
        assertEquals(2, peer.stats().requestsHandled, "after the 15 s request lifetime the id is new again");
    }

    @Test
    void anUnansweredRequestIsSentFiveTimesThenFails() {
        peer.join(List.of(), new CompletableFuture<>());
        // a second, fake peer in the view makes k routable elsewhere
        learnOtherPeer();
        link.sent.clear();

        CompletableFuture<PeerInfo> result = new CompletableFuture<>();
        ResourceId k = ResourceId.fromHex("80000000000000000000000000000000");
        long tx = peer.lookup(k, result);
        for (int i = 0; i < 10; i++) {
            clock.set(clock.millis() + 500);
            peer.tick();
        }
        long transmissions = link.sent.stream().filter(s -> s.message().transactionId() == tx).count();
        assertEquals(5, transmissions, "one transmission and four retransmissions (§6.2.1)");
        assertTrue(result.isCompletedExceptionally());
        Throwable cause = result.handle((v, e) -> e).join();
        assertInstanceOf(OverlayException.Timeout.class, cause);
    }

    @Test
    void routeQueryNamesTheNextHopAndProbeNamesTheResponder() {
        peer.join(List.of(), new CompletableFuture<>());
        NodeId other = learnOtherPeer();
        link.sent.clear();

        ForwardingHeader q = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 100, 2, 0,
            List.of(), List.of(new Destination.Node(peer.nodeId())), new byte[0]);
        ResourceId farKey = ResourceId.fromHex("90000000000000000000000000000000");
        ResourceId ownKey = ResourceId.fromHex("30000000000000000000000000000000");
        peer.onMessage(2, null, new Message(q, new MessageBody.RouteQueryReq(false,
            new Destination.Resource(farKey), new byte[0]), List.of()));
        peer.onMessage(3, null, new Message(q.withLists(List.of(), q.destinationList()).withTtl(99),
            new MessageBody.RouteQueryReq(false, new Destination.Resource(ownKey), new byte[0]), List.of()));
        List<Message> answers = link.sent.stream().map(Sent::message).filter(m -> m.code().isResponse()).toList();
        assertEquals(new MessageBody.RouteQueryAns(other), answers.get(0).body(), "(40.., c0..] belongs to c0..");
        // the second query reused transaction 2: the answer cache repeats the first answer (§6.2.1)
        assertEquals(answers.get(0).body(), answers.get(1).body());

        ForwardingHeader p = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 100, 3, 0,
            List.of(), List.of(new Destination.Resource(ownKey)), new byte[0]);
        link.sent.clear();
        peer.onMessage(4, null, new Message(p, new MessageBody.ProbeReq(List.of(MessageBody.ProbeInfoType.RESPONSIBLE_SET)),
            List.of()));
        Message probeAns = link.sent.get(0).message();
        MessageBody.ProbeAns body = assertInstanceOf(MessageBody.ProbeAns.class, probeAns.body());
        assertEquals(500_000_000L, body.info().get(0).value(), "(c0.., 40..] is half the ring, in parts per billion");
        PeerDirectory dir = assertInstanceOf(PeerDirectory.class, probeAns.extensions().get(0));
        assertEquals(peer.nodeId(), dir.records().get(0).id(), "the answer names the responder");
    }

    @Test
    void ttlAboveTheInitialValueOrExhaustedAndLoopsAreAnsweredWithErrors() {
        peer.join(List.of(), new CompletableFuture<>());
        NodeId other = learnOtherPeer();
        link.sent.clear();

        ResourceId elsewhere = ResourceId.fromHex("90000000000000000000000000000000");
        ForwardingHeader tooHigh = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 101, 10, 0,
            List.of(), List.of(new Destination.Resource(elsewhere)), new byte[0]);
        peer.onMessage(2, null, new Message(tooHigh, new MessageBody.PingReq(0), List.of()));
        ForwardingHeader exhausted = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 0, 11, 0,
            List.of(), List.of(new Destination.Resource(elsewhere)), new byte[0]);
        peer.onMessage(3, null, new Message(exhausted, new MessageBody.PingReq(0), List.of()));
        ForwardingHeader fine = new ForwardingHeader(ForwardingHeader.overlayId("test.sipring"), 1, 5, 12, 0,
            List.of(), List.of(new Destination.Resource(elsewhere)), new byte[0]);
        peer.onMessage(4, null, new Message(fine, new MessageBody.PingReq(0), List.of()));

        List<Sent> out = List.copyOf(link.sent);
        assertEquals(ErrorCode.TTL_EXCEEDED,
            ((MessageBody.Error) out.get(0).message().body()).errorCode(), "ttl above initial-ttl (§6.3.2)");
        assertEquals(ErrorCode.TTL_EXCEEDED,
            ((MessageBody.Error) out.get(1).message().body()).errorCode(), "ttl 0 and not for this peer");
        Message forwarded = out.get(2).message();
        assertEquals(4, forwarded.header().ttl(), "a forwarded request loses one ttl");
        assertEquals(1, forwarded.header().viaList().size(), "and names its previous hop in the Via list");
        assertInstanceOf(Destination.Opaque.class, forwarded.header().viaList().get(0));

        // the forwarded request comes back: this peer's own Via entry reveals the loop
        link.sent.clear();
        peer.onMessage(5, null, forwarded);
        MessageBody.Error loop = assertInstanceOf(MessageBody.Error.class, link.sent.get(0).message().body());
        assertEquals(ErrorCode.INVALID_MESSAGE, loop.errorCode());
    }
}
