package org.sipring.peer.sip.jainsip;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.ListeningPointImpl;
import gov.nist.javax.sip.stack.DatagramQueuedMessageDispatch;
import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.message.MessageFactory;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.sip.DigestAlgorithm;
import org.sipring.peer.sip.RegistrarPolicy;
import org.sipring.peer.sip.SipSettings;

class CompactUdpProcessorsTest {

    private static final String OPTIONS = """
        OPTIONS sip:127.0.0.1 SIP/2.0\r
        Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK-compact-1;rport\r
        From: <sip:probe@example.net>;tag=1\r
        To: <sip:127.0.0.1>\r
        Call-ID: compact-1@127.0.0.1\r
        CSeq: 1 OPTIONS\r
        Max-Forwards: 70\r
        Content-Length: 0\r
        \r
        """;

    @Test
    void aQueuedDatagramKeepsOnlyItsOwnBytes() throws Exception {
        BlockingQueue<DatagramQueuedMessageDispatch> stacks = new LinkedBlockingQueue<>();
        CompactUdpProcessors.Compacting queue = new CompactUdpProcessors.Compacting(stacks);
        byte[] message = OPTIONS.formatted(5070).getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[65_536];
        System.arraycopy(message, 0, buffer, 0, message.length);
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        packet.setLength(message.length);
        packet.setSocketAddress(new InetSocketAddress("127.0.0.1", 5070));

        assertThat(queue.offer(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis()))).isTrue();

        // the stack's own queue (which its congestion auditor purges) holds the datagram
        assertThat(stacks).hasSize(1);
        DatagramQueuedMessageDispatch taken = queue.poll(1, TimeUnit.SECONDS);
        assertThat(taken).isNotNull();
        assertThat(taken.packet.getData()).hasSize(message.length);
        assertThat(Arrays.copyOfRange(taken.packet.getData(), taken.packet.getOffset(),
            taken.packet.getOffset() + taken.packet.getLength())).isEqualTo(message);
        assertThat(taken.packet.getSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 5070));
        assertThat(stacks).isEmpty();
    }

    @Test
    void thePeersStackQueuesUdpCompactlyAndAnswersFromItsSocket(@TempDir Path dir) throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        SipSettings settings = new SipSettings("127.0.0.1", port, Set.of("example.net"), false, null,
            Duration.ofMinutes(5), List.of(DigestAlgorithm.MD5), RegistrarPolicy.defaults(), 2, 65_536, 1 << 20, 120,
            SipSettings.Routing.PROXY, new byte[32], 100, Optional.empty(), dir);
        SipStack stack = SipStackFactory.create(settings);
        try {
            ListeningPoint udp = stack.createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
            SipProvider provider = stack.createSipProvider(udp);
            MessageFactory messages = SipFactory.getInstance().createMessageFactory();
            provider.addSipListener(new Answering(provider, messages));
            stack.start();

            MessageProcessor processor = ((ListeningPointImpl) udp).getMessageProcessor();
            assertThat(processor).isInstanceOf(UDPMessageProcessor.class);
            assertThat(CompactUdpProcessors.queueField().get(processor))
                .isInstanceOf(CompactUdpProcessors.Compacting.class);

            try (DatagramSocket ua = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                ua.setSoTimeout(5_000);
                byte[] request = OPTIONS.formatted(ua.getLocalPort()).getBytes(StandardCharsets.US_ASCII);
                ua.send(new DatagramPacket(request, request.length, InetAddress.getLoopbackAddress(), port));
                DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
                ua.receive(answer);
                assertThat(new String(answer.getData(), 0, answer.getLength(), StandardCharsets.US_ASCII))
                    .startsWith("SIP/2.0 200 ");
                // sent from the listening socket, where answers to the peer's own requests come back
                assertThat(answer.getSocketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", port));
            }
        } finally {
            stack.stop();
        }
    }

    /** Answers every request 200, statelessly. */
    private record Answering(SipProvider provider, MessageFactory messages) implements SipListener {

        @Override
        public void processRequest(RequestEvent event) {
            try {
                provider.sendResponse(messages.createResponse(Response.OK, event.getRequest()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void processResponse(ResponseEvent event) {
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
        }

        @Override
        public void processIOException(IOExceptionEvent event) {
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {
        }
    }
}
