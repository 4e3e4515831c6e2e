package org.sipring.peer.sip.jainsip;

import java.util.Properties;
import javax.sip.SipFactory;
import javax.sip.SipStack;
import org.sipring.peer.sip.SipSettings;

/**
 * The JAIN-SIP stack as a registrar needs it: the NIO message processors (UDP datagrams queued
 * compactly, {@link CompactUdpProcessors}), a reentrant listener on a small bounded pool, no
 * automatic dialogs (a registrar and proxy keeps no dialog state), stack tracing off, a bounded
 * message size on stream transports.
 */
final class SipStackFactory {

    private SipStackFactory() {
    }

    static Properties properties(SipSettings s) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", name(s));
        // the NIO processors, with UDP datagrams queued in arrays of their own length
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", CompactUdpProcessors.class.getName());
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(s.threads()));
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", Integer.toString(s.maxMessageSize()));
        // SO_RCVBUF of the UDP socket; the stack's default, 64 KB, holds a few dozen requests
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", Integer.toString(s.udpReceiveBuffer()));
        p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "20000");
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.RELEASE_REFERENCES_STRATEGY", "Normal");
        p.setProperty("javax.sip.ROUTER_PATH", FlowRouter.class.getName());
        p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY", StackHooks.CountingParsers.class.getName());
        p.setProperty("gov.nist.javax.sip.SIP_MESSAGE_VALVE", StackHooks.OverloadValve.class.getName());
        // a UDP request that waited longer than 4 T1 in the stack's queue is dropped, not served late:
        // the client has retransmitted it by then (RFC 3261 §17.1.2.2)
        p.setProperty("gov.nist.javax.sip.CONGESTION_CONTROL_TIMEOUT", "2000");
        s.tls().ifPresent(tls -> TlsKeyStores.configure(tls, s.workDir().resolve("sip-tls"), p));
        p.setProperty("javax.sip.USE_ROUTER_FOR_ALL_URIS", "true");
        return p;
    }

    static String name(SipSettings s) {
        return "sipring-" + s.address();
    }

    static SipStack create(SipSettings s) throws Exception {
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        return factory.createSipStack(properties(s));
    }
}
