package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.stack.UDPMessageChannel;
import gov.nist.javax.sip.stack.UDPMessageProcessor;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.sipring.peer.sip.StunBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers STUN Binding requests that arrive on the SIP UDP port ({@link StunBinding}), before the
 * stack's parser sees them. The stack has no hook for non-SIP datagrams: the parser is handed the
 * bytes and the UDP channel, and this class reads the datagram's source from the channel and
 * sends the answer on the listening socket, both fields the stack keeps to itself (read by
 * reflection, checked once at class load; without them STUN is not answered and a warning says
 * so).
 */
final class StunOnSipPort {

    private static final Logger log = LoggerFactory.getLogger(StunOnSipPort.class);
    private static final VarHandle INCOMING_PACKET = field(UDPMessageChannel.class, "incomingPacket", DatagramPacket.class);
    private static final VarHandle SOCKET = field(UDPMessageProcessor.class, "sock", DatagramSocket.class);

    private StunOnSipPort() {
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("STUN keep-alives on the SIP UDP port are not answered: this JAIN-SIP has no {}.{} ({})",
                owner.getSimpleName(), name, e.toString());
            return null;
        }
    }

    /**
     * True when the datagram is STUN: it has been answered if it was a Binding request, and is
     * not SIP either way.
     */
    static boolean handled(byte[] datagram, ParseExceptionListener channel, SipCounters counters) {
        if (!StunBinding.isStun(datagram)) {
            return false;
        }
        if (INCOMING_PACKET == null || SOCKET == null || !(channel instanceof UDPMessageChannel udp)
            || !(udp.getMessageProcessor() instanceof UDPMessageProcessor processor)) {
            return true;
        }
        DatagramPacket packet = (DatagramPacket) INCOMING_PACKET.get(udp);
        DatagramSocket socket = (DatagramSocket) SOCKET.get(processor);
        if (packet == null || socket == null) {
            return true;
        }
        InetSocketAddress source = (InetSocketAddress) packet.getSocketAddress();
        Optional<byte[]> answer = StunBinding.answer(datagram, source);
        if (answer.isPresent()) {
            try {
                socket.send(new DatagramPacket(answer.get(), answer.get().length, source));
                if (counters != null) {
                    counters.countStunAnswered();
                }
            } catch (IOException e) {
                log.debug("cannot answer STUN from {}: {}", source, e.getMessage());
            }
        }
        return true;
    }
}
