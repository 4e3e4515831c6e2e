package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.header.RetryAfter;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParserFactory;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.SipStack;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stack runs on every received message before any transaction exists, installed through
 * its {@code MESSAGE_PARSER_FACTORY} and {@code SIP_MESSAGE_VALVE} properties. The stack creates
 * both by reflection, so they find their peer's counters and load by the stack's name.
 *
 * <ul>
 *   <li>{@link CountingParsers}: a message the parser rejects is counted as malformed (the stack
 *       answers 400 when it can read enough of a request to do so, else drops it); a STUN
 *       datagram on the UDP port is answered there ({@link StunOnSipPort}) and goes no
 *       further;</li>
 *   <li>{@link OverloadValve}: while more requests wait for the overlay than the peer allows
 *       ({@code peer.sip.max-pending}), a new request is answered 503 with Retry-After at once
 *       (RFC 3261 §21.5.4) instead of queueing behind them; ACK and CANCEL always pass.</li>
 * </ul>
 */
final class StackHooks {

    /** A peer's counters and its count of requests waiting for the overlay. */
    record Hooks(SipCounters counters, AtomicInteger pending, int maxPending) {
    }

    private static final Map<String, Hooks> BY_STACK = new ConcurrentHashMap<>();

    private StackHooks() {
    }

    static void register(String stackName, Hooks hooks) {
        BY_STACK.put(stackName, hooks);
    }

    static void unregister(String stackName) {
        BY_STACK.remove(stackName);
    }

    private static Hooks of(SipStack stack) {
        return stack == null ? null : BY_STACK.get(stack.getStackName());
    }

    /**
     * The stack's parser, stricter and counting what it rejects. The stack's own parser drops a
     * header whose value it cannot read (an {@code Expires: soon} would leave a REGISTER with the
     * default expiry) and, for a request without CSeq, fails later with an exception of its own.
     * Here a request with an unreadable header or without a mandatory one (RFC 3261 §8.1.1) is
     * rejected as a whole: the stack then answers 400 naming the header when the request is
     * readable enough to answer, and drops it otherwise.
     */
    public static final class CountingParsers implements MessageParserFactory {

        private static final List<String> MANDATORY = List.of("Via", "From", "To", "Call-ID", "CSeq");

        private final StringMsgParserFactory parsers = new StringMsgParserFactory();

        @Override
        public MessageParser createMessageParser(SIPTransactionStack stack) {
            MessageParser parser = parsers.createMessageParser(stack);
            Hooks hooks = of((SipStack) stack);
            SipCounters counters = hooks == null ? null : hooks.counters();
            return (bytes, readBody, strict, listener) -> {
                if (StunOnSipPort.handled(bytes, listener, counters)) {
                    return null;
                }
                String[] badHeader = {null};
                ParseExceptionListener strictListener = (e, message, headerClass, headerText, messageText) -> {
                    if (badHeader[0] == null) {
                        badHeader[0] = headerText == null ? "" : headerText.strip();
                    }
                    if (listener != null) {
                        listener.handleException(e, message, headerClass, headerText, messageText);
                    }
                };
                try {
                    checkVersion(bytes);
                    SIPMessage m = parser.parseSIPMessage(bytes, readBody, strict, strictListener);
                    if (m != null && badHeader[0] != null) {
                        throw new ParseException("Bad header: " + badHeader[0], 0);
                    }
                    if (m instanceof SIPRequest) {
                        for (String h : MANDATORY) {
                            if (m.getHeader(h) == null) {
                                throw new ParseException("Missing " + h, 0);
                            }
                        }
                    }
                    return m;
                } catch (ParseException e) {
                    if (counters != null) {
                        counters.countMalformed();
                    }
                    throw e;
                }
            };
        }
    }

    /**
     * Only SIP/2.0 is spoken (RFC 3261 §7.1); the stack's parser would read any version as 2.0.
     * Leading CRLFs (keep-alives before a message) are skipped.
     */
    static void checkVersion(byte[] bytes) throws ParseException {
        int start = 0;
        while (start < bytes.length && (bytes[start] == '\r' || bytes[start] == '\n')) {
            start++;
        }
        int end = start;
        while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
            end++;
        }
        String first = new String(bytes, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1).strip();
        if (first.isEmpty()) {
            return;
        }
        if (!first.startsWith("SIP/2.0 ") && !first.endsWith(" SIP/2.0")) {
            throw new ParseException("Unsupported SIP version in: " + first, 0);
        }
    }

    /** Sheds load with 503 before a request takes a transaction, a thread or an overlay operation. */
    public static final class OverloadValve implements SIPMessageValve {

        private static final Logger log = LoggerFactory.getLogger(OverloadValve.class);
        static final int RETRY_AFTER_SECONDS = 2;

        private Hooks hooks;

        @Override
        public void init(SipStack stack) {
            hooks = of(stack);
        }

        @Override
        public boolean processRequest(SIPRequest request, MessageChannel channel) {
            if (hooks == null || hooks.pending().get() < hooks.maxPending()
                || Request.ACK.equals(request.getMethod()) || Request.CANCEL.equals(request.getMethod())) {
                return true;
            }
            hooks.counters().countShed();
            try {
                SIPResponse busy = request.createResponse(Response.SERVICE_UNAVAILABLE, "Overloaded");
                if (busy.getTo() != null && busy.getTo().getTag() == null) {
                    busy.getTo().setTag(Long.toHexString(System.nanoTime()));
                }
                RetryAfter retry = new RetryAfter();
                retry.setRetryAfter(RETRY_AFTER_SECONDS);
                busy.setHeader(retry);
                channel.sendMessage(busy);
            } catch (Exception e) {
                log.debug("cannot send 503 to {}: {}", channel.getPeerAddress(), e.getMessage());
            }
            return false;
        }

        @Override
        public boolean processResponse(Response response, MessageChannel channel) {
            return true;
        }

        @Override
        public void destroy() {
        }
    }
}
