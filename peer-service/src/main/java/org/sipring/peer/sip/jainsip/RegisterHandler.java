package org.sipring.peer.sip.jainsip;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import javax.sip.InvalidArgumentException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AuthorizationHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.WWWAuthenticateHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipring.peer.sip.Aor;
import org.sipring.peer.sip.Binding;
import org.sipring.peer.sip.DigestAlgorithm;
import org.sipring.peer.sip.DigestResponse;
import org.sipring.peer.sip.Flow;
import org.sipring.peer.sip.NonceAuthority;
import org.sipring.peer.sip.RegisterCall;
import org.sipring.peer.sip.RegisterReply;
import org.sipring.peer.sip.RegisterRequest;
import org.sipring.peer.sip.Registrar;
import org.sipring.peer.sip.SipSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REGISTER (RFC 3261 §10.3) at the receiving peer: steps 1 to 5 here (domain, Require, digest
 * challenge and nonce check, the To URI as canonical AOR), steps 6 to 8 at the AOR's responsible
 * peer in one overlay update ({@link Registrar#register}), whose reply becomes the response: the
 * 200 with every binding, its remaining expiry, Date, the Path of the request (RFC 3327 §5.3) and,
 * for RFC 5626 registrations, Require: outbound and Flow-Timer.
 */
final class RegisterHandler {

    private static final Logger log = LoggerFactory.getLogger(RegisterHandler.class);
    private static final List<String> UNDERSTOOD = List.of("path", "outbound");

    private final SipSettings settings;
    private final Registrar registrar;
    private final NonceAuthority nonces;
    private final Messages messages;
    private final Executor responder;
    private final AtomicInteger pending;
    private final BiConsumer<Flow, Boolean> registeredOn;
    /** Stateless REGISTERs waiting for the overlay, by {@link Messages#requestKey}. */
    private final Map<String, Boolean> inOverlay = new ConcurrentHashMap<>();

    /**
     * @param registeredOn told of each registration over a stream transport, and whether it is an
     *                     RFC 5626 one (its connection is closed when silent past the Flow-Timer)
     */
    RegisterHandler(SipSettings settings, Registrar registrar, NonceAuthority nonces, Messages messages,
                    Executor responder, AtomicInteger pending, BiConsumer<Flow, Boolean> registeredOn) {
        this.settings = settings;
        this.registrar = registrar;
        this.nonces = nonces;
        this.messages = messages;
        this.responder = responder;
        this.pending = pending;
        this.registeredOn = registeredOn;
    }

    void handle(Exchange x) {
        Request r = x.request();
        Optional<Response> refusal = checkDomainAndRequire(r);
        if (refusal.isPresent()) {
            messages.send(x, refusal.get());
            return;
        }
        Aor aor;
        try {
            aor = Aor.parse(((ToHeader) r.getHeader(ToHeader.NAME)).getAddress().getURI().toString());
        } catch (Aor.InvalidAorException | NullPointerException e) {
            ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
            boolean sip = to != null && to.getAddress().getURI() instanceof SipURI;
            messages.send(x, sip ? messages.response(r, Response.BAD_REQUEST, "To is not a sip:user@domain address")
                : messages.response(r, Response.UNSUPPORTED_URI_SCHEME));
            return;
        }
        if (!settings.domains().contains(aor.host())) {
            messages.send(x, messages.response(r, Response.FORBIDDEN, "Domain not served here"));
            return;
        }
        RegisterRequest request;
        try {
            request = RegisterParser.parse(r, new Flow(x.transport(), x.remoteHost(), x.remotePort(), settings.address()));
        } catch (RegisterParser.Refusal e) {
            messages.send(x, messages.response(r, e.status(), e.getMessage()));
            return;
        } catch (IllegalArgumentException e) {
            messages.send(x, messages.response(r, Response.BAD_REQUEST, "unusable source address"));
            return;
        }
        RegisterCall call;
        if (settings.authEnabled()) {
            Optional<RegisterCall> authenticated = authenticate(x, aor, request);
            if (authenticated.isEmpty()) {
                return;
            }
            call = authenticated.get();
        } else {
            call = new RegisterCall(request, false, null, 0);
        }
        String retransmissionKey = x.stateless() ? Messages.requestKey(r) : null;
        if (retransmissionKey != null && inOverlay.putIfAbsent(retransmissionKey, Boolean.TRUE) != null) {
            // a retransmission of a REGISTER still in the overlay: its response is on the way
            return;
        }
        pending.incrementAndGet();
        registrar.register(aor, call)
            // counted down as the overlay answers, even if the responder pool drops the completion
            .whenComplete((done, failed) -> {
                pending.decrementAndGet();
                if (retransmissionKey != null) {
                    inOverlay.remove(retransmissionKey);
                }
            })
            .whenCompleteAsync((reply, failure) -> {
            if (failure != null) {
                messages.send(x, messages.overlayFailure(r, "REGISTER", failure));
            } else {
                messages.send(x, answer(x, aor, request, reply));
            }
        }, responder);
    }

    /** Steps 1 and 2: the Request-URI names a domain served here; every required extension is understood. */
    private Optional<Response> checkDomainAndRequire(Request r) {
        URI requestUri = r.getRequestURI();
        if (!(requestUri instanceof SipURI sip)) {
            return Optional.of(messages.response(r, Response.UNSUPPORTED_URI_SCHEME));
        }
        if (!settings.domains().contains(sip.getHost().toLowerCase(Locale.ROOT))) {
            return Optional.of(messages.response(r, Response.FORBIDDEN, "Domain not served here"));
        }
        List<String> unsupported = RegisterParser.required(r).stream().filter(t -> !UNDERSTOOD.contains(t)).toList();
        if (!unsupported.isEmpty()) {
            return Optional.of(messages.badExtension(r, unsupported));
        }
        return Optional.empty();
    }

    /**
     * Step 3 at the receiving peer: a request without credentials for the AOR's realm is
     * challenged, a nonce that was not issued by a peer of this overlay is challenged again, an
     * expired one with stale=true, and credentials of another user are refused with 403. The
     * password itself is checked at the responsible peer, which has the HA1.
     */
    private Optional<RegisterCall> authenticate(Exchange x, Aor aor, RegisterRequest request) {
        Request r = x.request();
        String realm = aor.host();
        AuthorizationHeader auth = authorizationFor(r, realm);
        if (auth == null) {
            messages.send(x, challenge(r, realm, false));
            return Optional.empty();
        }
        if (!aor.user().equals(auth.getUsername())) {
            messages.send(x, messages.response(r, Response.FORBIDDEN, "Credentials of another user"));
            return Optional.empty();
        }
        Optional<DigestAlgorithm> algorithm = DigestAlgorithm.of(auth.getAlgorithm());
        String nonce = auth.getNonce();
        String response = auth.getResponse();
        String uri = auth.getParameter("uri");
        if (algorithm.isEmpty() || nonce == null || response == null || uri == null) {
            messages.send(x, challenge(r, realm, false));
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        switch (nonces.check(nonce, realm, now)) {
            case FORGED -> {
                messages.send(x, challenge(r, realm, false));
                return Optional.empty();
            }
            case STALE -> {
                messages.send(x, challenge(r, realm, true));
                return Optional.empty();
            }
            case VALID -> {
                DigestResponse d = new DigestResponse(auth.getUsername(), realm, nonce, uri, response, algorithm.get(),
                    auth.getCNonce(), auth.getParameter("nc"), auth.getQop(), r.getMethod());
                return Optional.of(new RegisterCall(request, true, d, nonces.expiresAt(nonce)));
            }
        }
        return Optional.empty();
    }

    private static AuthorizationHeader authorizationFor(Request r, String realm) {
        ListIterator<?> it = r.getHeaders(AuthorizationHeader.NAME);
        while (it.hasNext()) {
            AuthorizationHeader a = (AuthorizationHeader) it.next();
            if ("Digest".equalsIgnoreCase(a.getScheme()) && realm.equalsIgnoreCase(a.getRealm())) {
                return a;
            }
        }
        return null;
    }

    /** 401 with one challenge per configured algorithm, in order (RFC 8760 §2.4), qop=auth. */
    private Response challenge(Request r, String realm, boolean stale) {
        Response resp = messages.response(r, Response.UNAUTHORIZED);
        String nonce = nonces.issue(realm, System.currentTimeMillis());
        try {
            for (DigestAlgorithm a : settings.algorithms()) {
                WWWAuthenticateHeader h = messages.headers().createWWWAuthenticateHeader("Digest");
                h.setRealm(realm);
                h.setNonce(nonce);
                h.setAlgorithm(a.token());
                h.setQop("auth");
                if (stale) {
                    h.setStale(true);
                }
                resp.addHeader(h);
            }
        } catch (ParseException e) {
            throw new IllegalStateException("cannot build a digest challenge", e);
        }
        return resp;
    }

    private Response answer(Exchange x, Aor aor, RegisterRequest request, RegisterReply reply) {
        Request r = x.request();
        if (reply.status() == Response.UNAUTHORIZED) {
            return challenge(r, aor.host(), reply.staleNonce());
        }
        if (reply.status() != Response.OK) {
            Response refused = messages.response(r, reply.status(), reply.reason());
            if (reply.minExpires().isPresent()) {
                try {
                    refused.setHeader(messages.headers().createMinExpiresHeader(reply.minExpires().getAsInt()));
                } catch (InvalidArgumentException e) {
                    throw new IllegalArgumentException(e);
                }
            }
            return refused;
        }
        if (!"udp".equalsIgnoreCase(x.transport())) {
            registeredOn.accept(new Flow(x.transport(), x.remoteHost(), x.remotePort(), settings.address()),
                RegisterParser.supports(r, "outbound") && reply.bindings().stream().anyMatch(b -> b.regId() > 0));
        }
        Response ok = messages.response(r, Response.OK);
        long now = System.currentTimeMillis();
        try {
            for (Binding b : reply.bindings()) {
                ok.addHeader(messages.contact(b, now));
            }
            messages.addDate(ok);
            for (String p : request.path()) {
                ok.addHeader(messages.headers().createHeader("Path", p));
            }
            List<String> supported = new ArrayList<>();
            if (!request.path().isEmpty()) {
                supported.add("path");
            }
            if (RegisterParser.supports(r, "outbound") && reply.bindings().stream().anyMatch(b -> b.regId() > 0)) {
                ok.setHeader(messages.headers().createRequireHeader("outbound"));
                ok.setHeader(messages.headers().createHeader("Flow-Timer", Integer.toString(settings.flowTimer())));

            }
            if (!supported.isEmpty()) {
                ok.setHeader(messages.headers().createSupportedHeader(String.join(", ", supported)));
            }
        } catch (ParseException | InvalidArgumentException e) {
            log.warn("cannot list the bindings of {}: {}", aor, e.getMessage());
            return messages.response(r, Response.SERVER_INTERNAL_ERROR);
        }
        return ok;
    }
}
