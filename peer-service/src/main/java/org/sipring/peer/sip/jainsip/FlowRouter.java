package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.stack.DefaultRouter;
import java.util.ListIterator;
import java.util.concurrent.Callable;
import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.Router;
import javax.sip.message.Request;

/**
 * The stack's router (installed through {@code javax.sip.ROUTER_PATH} and consulted for every
 * request): the hop the proxy chose for the request being sent on this thread, else the stack's
 * RFC 3261 §8.1.2 / §16.12 default (top Route, else the Request-URI). The proxy pins a hop to send
 * on a registered flow: to the address the REGISTER came from (RFC 3581 received/rport), not the
 * one written in the Contact, which behind a NAT is unreachable (RFC 5626 §5.3).
 */
public final class FlowRouter implements Router {

    private static final ThreadLocal<Hop> PINNED = new ThreadLocal<>();

    private final DefaultRouter fallback;

    /** Called by the stack. */
    public FlowRouter(SipStack stack, String outboundProxy) {
        this.fallback = new DefaultRouter(stack, outboundProxy);
    }

    /** Runs {@code send} (which creates a transaction or sends a request) with {@code hop} as the next hop. */
    static <T> T through(Hop hop, Callable<T> send) throws Exception {
        Hop before = PINNED.get();
        PINNED.set(hop);
        try {
            return send.call();
        } finally {
            if (before == null) {
                PINNED.remove();
            } else {
                PINNED.set(before);
            }
        }
    }

    /** The hop the stack would choose on its own. */
    Hop defaultHop(Request request) throws SipException {
        return fallback.getNextHop(request);
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        Hop pinned = PINNED.get();
        return pinned != null ? pinned : fallback.getNextHop(request);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ListIterator getNextHops(Request request) {
        return fallback.getNextHops(request);
    }

    @Override
    public Hop getOutboundProxy() {
        return fallback.getOutboundProxy();
    }
}
