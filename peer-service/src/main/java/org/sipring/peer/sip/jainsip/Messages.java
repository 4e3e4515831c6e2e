package org.sipring.peer.sip.jainsip;

import java.text.ParseException;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CompletionException;
import javax.sip.InvalidArgumentException;
import javax.sip.SipProvider;
import javax.sip.address.AddressFactory;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.sip.Binding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds and sends the peer's responses; every response passes through {@link #send}. */
final class Messages {

    private static final Logger log = LoggerFactory.getLogger(Messages.class);

    static final List<String> ALLOW = List.of("REGISTER", "OPTIONS", "INVITE", "ACK", "BYE", "CANCEL", "MESSAGE",
        "SUBSCRIBE", "NOTIFY", "REFER", "INFO", "UPDATE", "PRACK");
    static final List<String> SUPPORTED = List.of("path", "outbound");

    private final MessageFactory messageFactory;
    private final HeaderFactory headers;
    private final AddressFactory addresses;
    private final SipCounters counters;
    private final SipProvider provider;

    Messages(MessageFactory messageFactory, HeaderFactory headers, AddressFactory addresses, SipCounters counters,
             SipProvider provider) {
        this.messageFactory = messageFactory;
        this.headers = headers;
        this.addresses = addresses;
        this.counters = counters;
        this.provider = provider;
    }

    HeaderFactory headers() {
        return headers;
    }

    /**
     * A response with a To tag when the status is final (RFC 3261 §8.2.6.2). The tag is derived
     * from the {@link #requestKey}, so a retransmission answered statelessly gets the same tag
     * (§8.2.7).
     */
    Response response(Request request, int status) {
        try {
            Response r = messageFactory.createResponse(status, request);
            if (status == Proxy.FLOW_FAILED) {
                r.setReasonPhrase("Flow Failed");
            }
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            if (status >= 200 && to != null && to.getTag() == null) {
                to.setTag(toTag(request));
            }
            r.setHeader(headers.createServerHeader(List.of("sipring")));
            return r;
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build a " + status + " response", e);
        }
    }

    Response response(Request request, int status, String reason) {
        Response r = response(request, status);
        try {
            r.setReasonPhrase(reason.replaceAll("[\\r\\n]", " "));
        } catch (ParseException e) {
            log.debug("reason phrase '{}' not usable: {}", reason, e.getMessage());
        }
        return r;
    }

    /** 420 listing the option tags this peer does not support (RFC 3261 §8.2.2.3, §16.3 step 6). */
    Response badExtension(Request request, List<String> unsupported) {
        Response bad = response(request, Response.BAD_EXTENSION);
        try {
            bad.setHeader(headers.createUnsupportedHeader(String.join(", ", unsupported)));
        } catch (ParseException e) {
            log.debug("cannot list unsupported extensions: {}", e.getMessage());
        }
        return bad;
    }

    /** 503 with Retry-After (RFC 3261 §21.5.4): the overlay cannot serve this now. */
    Response unavailable(Request request, String reason, int retryAfterSeconds) {
        Response r = response(request, Response.SERVICE_UNAVAILABLE, reason);
        try {
            r.setHeader(headers.createRetryAfterHeader(retryAfterSeconds));
        } catch (InvalidArgumentException e) {
            throw new IllegalArgumentException(e);
        }
        return r;
    }

    /** Overlay trouble as SIP: not joined, overloaded or no answer is 503 with Retry-After; the rest 500. */
    Response overlayFailure(Request r, String what, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof OverlayException.NotJoined) {
            return unavailable(r, "Not in the overlay yet", 5);
        }
        if (cause instanceof OverlayException.Overloaded) {
            return unavailable(r, "Overloaded", 2);
        }
        if (cause instanceof OverlayException) {
            log.info("{} for {} failed in the overlay: {}", what, r.getRequestURI(), cause.getMessage());
            return unavailable(r, "Registration store unavailable", 5);
        }
        log.warn("{} for {} failed: {}", what, r.getRequestURI(), cause.toString());
        return response(r, Response.SERVER_INTERNAL_ERROR);
    }

    Response optionsOk(Request request) {
        Response r = response(request, Response.OK);
        try {
            for (String method : ALLOW) {
                r.addHeader(headers.createAllowHeader(method));
            }
            for (String tag : SUPPORTED) {
                r.addHeader(headers.createSupportedHeader(tag));
            }
            r.setHeader(headers.createAcceptHeader("application", "sdp"));
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
        return r;
    }

    /** The Date header of a registrar's 200 (RFC 3261 §10.3 step 8). */
    void addDate(Response r) {
        r.setHeader(headers.createDateHeader(Calendar.getInstance(TimeZone.getTimeZone("GMT"))));
    }

    ContactHeader contact(Binding b, long now) throws ParseException, InvalidArgumentException {
        ContactHeader c = headers.createContactHeader(addresses.createAddress(b.contact()));
        c.setExpires((int) Math.min(Integer.MAX_VALUE, b.remainingSeconds(now)));
        if (b.qMillis() != 1000) {
            c.setQValue(b.qMillis() / 1000f);
        }
        if (b.instanceId() != null) {
            c.setParameter("+sip.instance", "\"" + b.instanceId() + "\"");
        }
        if (b.regId() > 0) {
            c.setParameter("reg-id", Integer.toString(b.regId()));
        }
        return c;
    }

    void countForwarded(int status) {
        counters.countForwarded(status);
    }

    /**
     * What a request and its retransmissions have in common (RFC 3261 §17.2.3): Call-ID, From
     * tag, CSeq number and the top Via's branch and sent-by host.
     */
    static String requestKey(Request request) {
        CallIdHeader callId = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        FromHeader from = (FromHeader) request.getHeader(FromHeader.NAME);
        CSeqHeader cseq = (CSeqHeader) request.getHeader(CSeqHeader.NAME);
        ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
        return (callId == null ? "" : callId.getCallId()) + ' ' + (from == null ? "" : from.getTag()) + ' '
            + (cseq == null ? "" : cseq.getSeqNumber()) + ' ' + (via == null ? "" : via.getBranch() + ' ' + via.getHost());
    }

    /** The To tag of this peer's responses to a request: the same for each retransmission of it (64-bit FNV-1a). */
    static String toTag(Request request) {
        String key = requestKey(request);
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        return Long.toHexString(h);
    }

    void send(Exchange exchange, Response response) {
        try {
            if (exchange.stateless()) {
                provider.sendResponse(response);
            } else {
                exchange.transaction().sendResponse(response);
            }
            counters.countAnswered(response.getStatusCode());
        } catch (Exception e) {
            counters.countDropped();
            log.debug("cannot send {} to {}:{}: {}", response.getStatusCode(), exchange.remoteHost(),
                exchange.remotePort(), e.getMessage());
        }
    }
}
