package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.stack.HopImpl;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.ResponseEvent;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.address.AddressFactory;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ProxyRequireHeader;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipring.peer.sip.Aor;
import org.sipring.peer.sip.Binding;
import org.sipring.peer.sip.Flow;
import org.sipring.peer.sip.FlowToken;
import org.sipring.peer.sip.Fork;
import org.sipring.peer.sip.Registrar;
import org.sipring.peer.sip.ResponseChoice;
import org.sipring.peer.sip.SipSettings;
import org.sipring.peer.sip.TargetSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests other than REGISTER (RFC 3261 §16): to an AOR of a served domain, the bindings are
 * looked up in the overlay and the request is proxied statefully to the contacts (or redirected,
 * {@link SipSettings.Routing#REDIRECT}); a request routed here by a Route or Record-Route of this
 * peer follows it, and when that URI carries a flow token, goes out on that flow. Contacts whose
 * flow ends at another peer are reached through that peer (a Route with its flow token), never by
 * a new connection to the user agent. Dialog-creating requests are record-routed with the flow
 * token of each user agent's flow this peer holds, so in-dialog requests take the same flows.
 */
final class Proxy {

    private static final Logger log = LoggerFactory.getLogger(Proxy.class);
    /** Timer C (RFC 3261 §16.6 step 11): longer than 3 minutes. */
    static final long TIMER_C_SECONDS = 181;
    /** Keep-alive grace past the Flow-Timer before a silent flow is considered gone (RFC 5626 §4.4.1). */
    static final int FLOW_GRACE_SECONDS = 30;
    private static final int DEFAULT_MAX_FORWARDS = 70;
    private static final int MAX_TRACKED_FLOWS = 200_000;
    /** RFC 5626 §11: the flow a request was to be sent on is gone. */
    static final int FLOW_FAILED = 430;
    private static final List<String> RECORD_ROUTED = List.of(Request.INVITE, Request.SUBSCRIBE, Request.REFER,
        Request.NOTIFY);

    private final SipSettings settings;
    private final Registrar registrar;
    private final Messages messages;
    private final AddressFactory addresses;
    private final SipProvider provider;
    private final SipStackImpl stack;
    private final FlowRouter router;
    private final FlowToken tokens;
    private final LoopDetection loops;
    private final Executor responder;
    private final ScheduledExecutorService timers;
    private final Map<String, ProxyCall> calls = new ConcurrentHashMap<>();
    private final AtomicInteger pending;
    /** Stream connections user agents registered on, closed when the peer has left. */
    private final Set<Flow> streamFlows = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    Proxy(SipSettings settings, Registrar registrar, Messages messages, AddressFactory addresses, SipProvider provider,
          SipStackImpl stack, Executor responder, ScheduledExecutorService timers, AtomicInteger pending) {
        this.settings = settings;
        this.registrar = registrar;
        this.messages = messages;
        this.addresses = addresses;
        this.provider = provider;
        this.stack = stack;
        this.router = (FlowRouter) stack.getRouter();
        this.tokens = new FlowToken(settings.flowSecret());
        this.loops = new LoopDetection(settings.host(), settings.port());
        this.responder = responder;
        this.timers = timers;
        this.pending = pending;
    }

    // ---------------------------------------------------------------- requests

    void handle(Exchange x) {
        Request r = x.request();
        Flow arrival = arrival(x);
        Routing routing = routing(r, arrival);
        MaxForwardsHeader mf = (MaxForwardsHeader) r.getHeader(MaxForwardsHeader.NAME);
        if (routing.toThisPeer()) {
            answerLocally(x);
            return;
        }
        if (!(r.getRequestURI() instanceof SipURI) && routing.flow() == null && routing.remaining().isEmpty()) {
            messages.send(x, messages.response(r, Response.UNSUPPORTED_URI_SCHEME));
            return;
        }
        if (mf != null && mf.getMaxForwards() <= 0) {
            messages.send(x, messages.response(r, Response.TOO_MANY_HOPS));
            return;
        }
        if (r.getHeader(ProxyRequireHeader.NAME) != null) {
            ListIterator<?> it = r.getHeaders(ProxyRequireHeader.NAME);
            List<String> tags = new ArrayList<>();
            while (it.hasNext()) {
                tags.add(((ProxyRequireHeader) it.next()).getOptionTag());
            }
            messages.send(x, messages.badExtension(r, tags));
            return;
        }
        if (loops.looped(r)) {
            messages.send(x, messages.response(r, Response.LOOP_DETECTED));
            return;
        }
        if (Request.INVITE.equals(r.getMethod())) {
            messages.send(x, messages.response(r, Response.TRYING));
        }
        Optional<Aor> aor = servedAor(r);
        Target onward = new Target(null, List.of(), null, null, false);
        if (routing.flow() != null) {
            forward(x, List.of(List.of(flowTarget(routing.flow(), null, List.of(), routing.flowOutbound()))), false,
                routing, arrival);
        } else if (!routing.remaining().isEmpty()) {
            forward(x, List.of(List.of(onward)), false, routing, arrival);
        } else if (aor.isPresent()) {
            lookUp(x, aor.get(), routing, arrival);
        } else if (routing.poppedOwn() || inDialog(r)) {
            forward(x, List.of(List.of(onward)), false, routing, arrival);
        } else {
            messages.send(x, messages.response(r, Response.FORBIDDEN, "Relaying denied"));
        }
    }

    /** CANCEL (RFC 3261 §16.10): 200 at once, then 487 for the INVITE and every pending branch cancelled. */
    void cancel(Exchange x) {
        ProxyCall call = calls.get(key(x.request()));
        if (call == null) {
            messages.send(x, messages.response(x.request(), Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST));
            return;
        }
        messages.send(x, messages.response(x.request(), Response.OK));
        execute(call, call.on(Fork::cancel), null);
    }

    /** An ACK for a 2xx (no server transaction): forwarded statelessly along its route (RFC 3261 §16.11). */
    void ack(Request ack, Flow arrival) {
        Routing routing = routing(ack, arrival);
        log.debug("ACK {} from {}: {}", ack.getRequestURI(), arrival, routing);
        if (routing.toThisPeer()) {
            return;
        }
        Request out = (Request) ack.clone();
        try {
            setRoutes(out, List.of(), routing.remaining());
            decrementMaxForwards(out);
            Hop hop = routing.flow() != null ? hop(routing.flow()) : router.defaultHop(out);
            out.addFirst(via(hop.getTransport(), loops.statelessBranch(ack)));
            FlowRouter.through(hop, () -> {
                provider.sendRequest(out);
                return null;
            });
        } catch (Exception e) {
            log.debug("cannot forward an ACK to {}: {}", ack.getRequestURI(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- responses and timeouts

    void response(ResponseEvent event) {
        Response response = event.getResponse();
        ClientTransaction tx = event.getClientTransaction();
        if (tx == null) {
            forwardStateless(response);
            return;
        }
        if (!(tx.getApplicationData() instanceof ProxyCall.Branch branch)) {
            return;
        }
        int status = response.getStatusCode();
        ProxyCall call = branch.call();
        int b = branch.index();
        Fork.Decision d;
        if (status < 200) {
            if (status == Response.TRYING) {
                return;
            }
            d = call.on(f -> f.provisional(b));
        } else if (status < 300) {
            d = call.on(f -> f.success(b));
        } else {
            d = call.failed(b, status, response);
        }
        execute(call, d, response);
    }

    void timeout(TimeoutEvent event) {
        if (event.isServerTransaction() || event.getClientTransaction() == null
            || !(event.getClientTransaction().getApplicationData() instanceof ProxyCall.Branch branch)) {
            return;
        }
        execute(branch.call(), branch.call().failed(branch.index(), Response.REQUEST_TIMEOUT, null), null);
    }

    // ---------------------------------------------------------------- routing

    /**
     * The request's route as this peer sees it: the Route values naming this peer are removed; a
     * flow token in one of them names a flow of this peer, which is where the request goes unless
     * it arrived on that very flow (then it travels away from it, RFC 5626 §5.3).
     *
     * @param flow       the flow to send on, or null
     * @param remaining  Route values after this peer's
     * @param poppedOwn  whether a Route of this peer was removed (the request was routed here)
     * @param fromPeer   whether one of them carried a valid flow token (the request came through the overlay's routing)
     */
    record Routing(Flow flow, boolean flowOutbound, List<RouteHeader> remaining, boolean poppedOwn, boolean fromPeer,
                   boolean toThisPeer) {
    }

    private Routing routing(Request r, Flow arrival) {
        List<RouteHeader> routes = new ArrayList<>();
        ListIterator<?> it = r.getHeaders(RouteHeader.NAME);
        while (it.hasNext()) {
            routes.add((RouteHeader) it.next());
        }
        Flow flow = null;
        boolean outbound = false;
        boolean popped = false;
        boolean fromPeer = false;
        while (!routes.isEmpty() && isOwn(routes.get(0).getAddress().getURI())) {
            SipURI own = (SipURI) routes.remove(0).getAddress().getURI();
            popped = true;
            if (own.getUser() != null) {
                Optional<Flow> f = tokens.read(own.getUser(), settings.address());
                if (f.isPresent()) {
                    fromPeer = true;
                    if (!sameFlow(f.get(), arrival) && flow == null) {
                        flow = f.get();
                        outbound = own.getParameter("ob") != null;
                    }
                }
            }
        }
        boolean toThisPeer = flow == null && routes.isEmpty() && isOwn(r.getRequestURI())
            && ((SipURI) r.getRequestURI()).getUser() == null;
        return new Routing(flow, outbound, List.copyOf(routes), popped, fromPeer, toThisPeer);
    }

    private boolean isOwn(URI uri) {
        if (!(uri instanceof SipURI sip)) {
            return false;
        }
        String host = sip.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = sip.getPort() > 0 ? sip.getPort() : 5060;
        boolean ownPort = port == settings.port() || settings.tls().map(t -> t.port() == port).orElse(false);
        if (host.equalsIgnoreCase(settings.host()) && ownPort) {
            return true;
        }
        return settings.domains().contains(host) && sip.getUser() == null && (sip.getPort() <= 0 || ownPort);
    }

    private Optional<Aor> servedAor(Request r) {
        if (!(r.getRequestURI() instanceof SipURI sip) || sip.getUser() == null
            || !settings.domains().contains(sip.getHost().toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        try {
            return Optional.of(Aor.parse(sip.toString()));
        } catch (Aor.InvalidAorException e) {
            return Optional.empty();
        }
    }

    private static boolean inDialog(Request r) {
        ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
        return to != null && to.getTag() != null;
    }

    private static boolean sameFlow(Flow a, Flow b) {
        return a.transport().equalsIgnoreCase(b.transport()) && a.host().equals(b.host()) && a.port() == b.port();
    }

    private Flow arrival(Exchange x) {
        return new Flow(x.transport(), x.remoteHost(), x.remotePort() > 0 ? x.remotePort() : 5060, settings.address());
    }

    /** OPTIONS to the peer itself (keep-alives, load balancer probes) is answered; nothing else is served here. */
    private void answerLocally(Exchange x) {
        Request r = x.request();
        if (Request.OPTIONS.equals(r.getMethod())) {
            messages.send(x, draining ? messages.unavailable(r, "Draining", 30) : messages.optionsOk(r));
        } else if (Messages.ALLOW.contains(r.getMethod())) {
            messages.send(x, messages.response(r, Response.NOT_FOUND, "No user part"));
        } else {
            messages.send(x, messages.response(r, Response.NOT_IMPLEMENTED));
        }
    }

    // ---------------------------------------------------------------- lookup

    private void lookUp(Exchange x, Aor aor, Routing routing, Flow arrival) {
        Request r = x.request();
        pending.incrementAndGet();
        registrar.lookup(aor)
            // counted down as the overlay answers, even if the responder pool drops the completion
            .whenComplete((done, failed) -> pending.decrementAndGet())
            .whenCompleteAsync((lookup, failure) -> {
            if (failure != null) {
                messages.send(x, messages.overlayFailure(r, r.getMethod(), failure));
                return;
            }
            List<List<Binding>> groups = TargetSet.groups(lookup.bindings(), System.currentTimeMillis());
            log.debug("{} for {}: {} live binding groups of {}", r.getMethod(), aor, groups.size(), lookup);
            if (groups.isEmpty()) {
                messages.send(x, lookup.known()
                    ? messages.response(r, Response.TEMPORARILY_UNAVAILABLE)
                    : messages.response(r, Response.NOT_FOUND));
                return;
            }
            if (settings.routing() == SipSettings.Routing.REDIRECT) {
                redirect(x, groups);
                return;
            }
            List<List<Target>> targets = groups.stream().map(g -> g.stream().map(this::target).toList()).toList();
            forward(x, targets, true, routing, arrival);
        }, responder);
    }

    /** 302 with the live contacts and their q-values (RFC 3261 §21.3.3); the caller tries them. */
    private void redirect(Exchange x, List<List<Binding>> groups) {
        Response moved = messages.response(x.request(), Response.MOVED_TEMPORARILY);
        long now = System.currentTimeMillis();
        try {
            for (List<Binding> g : groups) {
                for (Binding b : g) {
                    ContactHeader c = messages.contact(b, now);
                    moved.addHeader(c);
                }
            }
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            log.warn("cannot list the contacts of {}: {}", x.request().getRequestURI(), e.getMessage());
            moved = messages.response(x.request(), Response.SERVER_INTERNAL_ERROR);
        }
        messages.send(x, moved);
    }

    /** Where a binding is reached from here: its flow if this peer holds it, else through the flow's peer. */
    private Target target(Binding b) {
        Flow flow = b.flow();
        if (flow != null && flow.peer().equals(settings.address())) {
            return flowTarget(flow, b.contact(), b.path(), b.instanceId() != null);
        }
        if (flow != null) {
            String route = "<sip:" + tokens.issue(flow) + "@" + flow.peer() + ";lr"
                + (b.instanceId() != null ? ";ob" : "") + ">";
            List<String> routes = new ArrayList<>();
            routes.add(route);
            routes.addAll(b.path());
            return new Target(b.contact(), routes, null, null, false);
        }
        return new Target(b.contact(), b.path(), null, null, false);
    }

    /** A flow of this peer; an RFC 5626 flow over a stream transport is checked before use, never re-opened. */
    private Target flowTarget(Flow flow, String contact, List<String> path, boolean outbound) {
        // the stack can look up and time out TCP connections only; a TLS flow that is gone fails when
        // the stack cannot reach the user agent's port, with the same 430
        boolean tcp = "tcp".equalsIgnoreCase(flow.transport());
        return new Target(contact, path, hop(flow), flow, tcp && outbound);
    }

    private static Hop hop(Flow flow) {
        return new HopImpl(flow.host(), flow.port(), flow.transport().toUpperCase(Locale.ROOT));
    }

    // ---------------------------------------------------------------- forwarding

    private void forward(Exchange x, List<List<Target>> groups, boolean authoritative, Routing routing, Flow arrival) {
        Flow uaFlow = routing.fromPeer() ? null : arrival;
        ProxyCall call = new ProxyCall(x, key(x.request()), groups, authoritative, uaFlow, routing.remaining());
        if (Request.INVITE.equals(x.request().getMethod())) {
            calls.put(call.key, call);
            call.timerC(timers.schedule(() -> execute(call, call.on(Fork::timeout), null), TIMER_C_SECONDS,
                TimeUnit.SECONDS));
        }
        execute(call, call.on(Fork::start), null);
    }

    private void execute(ProxyCall call, Fork.Decision d, Response trigger) {
        for (int b : d.cancel()) {
            cancelBranch(call, b);
        }
        for (int b : d.start()) {
            start(call, b);
        }
        if (d.forward() && trigger != null) {
            upstream(call, trigger, trigger.getStatusCode());
        }
        if (d.finalBranch() >= 0) {
            Response chosen = call.finalResponse(d.finalBranch());
            int status = call.authoritative ? ResponseChoice.upstream(call.status(d.finalBranch())) : call.status(d.finalBranch());
            if (chosen != null) {
                upstream(call, chosen, status);
            } else {
                messages.send(call.upstream, messages.response(call.upstream.request(), status));
            }
        } else if (d.finalStatus() > 0) {
            messages.send(call.upstream, messages.response(call.upstream.request(), d.finalStatus()));
        }
        if (call.ended()) {
            call.stopTimerC();
            calls.remove(call.key, call);
        }
    }

    private void start(ProxyCall call, int b) {
        Target t = call.targets.get(b);
        Request original = call.upstream.request();
        Fork.Decision failure = null;
        try {
            if (t.probe() && !flowAlive(t.flow())) {
                failure = call.failed(b, FLOW_FAILED, null);
            } else {
                Request out = (Request) original.clone();
                if (t.requestUri() != null) {
                    out.setRequestURI(addresses.createURI(t.requestUri()));
                }
                setRoutes(out, t.routes(), call.remainingRoutes);
                decrementMaxForwards(out);
                if (RECORD_ROUTED.contains(out.getMethod()) && !inDialog(out)) {
                    recordRoute(out, call.uaFlow, t.flow());
                }
                Hop hop = t.hop() != null ? t.hop() : router.defaultHop(out);
                out.addFirst(via(hop.getTransport(), loops.branch(original)));
                log.debug("{} {} branch {}: {} via {}", original.getMethod(), original.getRequestURI(), b,
                    out.getRequestURI(), hop);
                ClientTransaction tx = FlowRouter.through(hop, () -> provider.getNewClientTransaction(out));
                tx.setApplicationData(new ProxyCall.Branch(call, b));
                call.transaction(b, tx);
                tx.sendRequest();
            }
        } catch (Exception e) {
            log.debug("branch {} of {} to {} failed: {}", b, original.getMethod(), t, e.toString());
            failure = call.failed(b, t.flow() != null || !t.routes().isEmpty() ? FLOW_FAILED
                : Response.SERVICE_UNAVAILABLE, null);
        }
        if (failure != null) {
            execute(call, failure, null);
        }
    }

    private void cancelBranch(ProxyCall call, int b) {
        ClientTransaction tx = call.transaction(b);
        if (tx == null) {
            return;
        }
        Target t = call.targets.get(b);
        try {
            Request cancel = tx.createCancel();
            Hop hop = t.hop() != null ? t.hop() : router.defaultHop(cancel);
            ClientTransaction ct = FlowRouter.through(hop, () -> provider.getNewClientTransaction(cancel));
            ct.sendRequest();
        } catch (Exception e) {
            log.debug("cannot cancel branch {} of {}: {}", b, call.upstream.request().getRequestURI(), e.toString());
        }
    }

    /** Forwards a branch's response upstream without this peer's Via (RFC 3261 §16.7 step 3). */
    private void upstream(ProxyCall call, Response response, int status) {
        Response out = (Response) response.clone();
        out.removeFirst(ViaHeader.NAME);
        try {
            if (status != out.getStatusCode()) {
                out.setStatusCode(status);
                out.setReasonPhrase(messages.response(call.upstream.request(), status).getReasonPhrase());
            }
            call.upstream.transaction().sendResponse(out);
            messages.countForwarded(status);
        } catch (Exception e) {
            if (status / 100 == 2) {
                forwardStateless(response);
            } else {
                log.debug("cannot forward {} upstream: {}", status, e.getMessage());
            }
        }
    }

    /** A response with no transaction here (a retransmitted or late 2xx): sent on along its Via. */
    private void forwardStateless(Response response) {
        ViaHeader top = (ViaHeader) response.getHeader(ViaHeader.NAME);
        if (top == null || top.getBranch() == null || !top.getBranch().startsWith(LoopDetection.PREFIX)) {
            return;
        }
        Response out = (Response) response.clone();
        out.removeFirst(ViaHeader.NAME);
        if (out.getHeader(ViaHeader.NAME) == null) {
            return;
        }
        try {
            provider.sendResponse(out);
            messages.countForwarded(out.getStatusCode());
        } catch (Exception e) {
            log.debug("cannot forward a stray {}: {}", out.getStatusCode(), e.getMessage());
        }
    }

    /** The peer is leaving: health probes (OPTIONS to the peer) get 503 so load balancers take it out. */
    void drain() {
        draining = true;
    }

    /**
     * A REGISTER arrived over a stream transport: the connection is remembered, to be closed when
     * the peer has left; an RFC 5626 one is also kept only while it sends keep-alives.
     */
    void registeredOn(Flow flow, boolean outbound) {
        if (streamFlows.size() < MAX_TRACKED_FLOWS) {
            streamFlows.add(flow);
        }
        if (outbound && "tcp".equalsIgnoreCase(flow.transport())) {
            flowAlive(flow);
        }
    }

    /** Closes every user agent connection registrations came on; returns how many were still open. */
    int closeFlows() {
        int closed = 0;
        for (Flow f : streamFlows) {
            if (stack.closeReliableConnection(settings.host(), settings.port(), f.transport().toUpperCase(Locale.ROOT),
                f.host(), f.port())) {
                closed++;
            }
        }
        streamFlows.clear();
        return closed;
    }

    /**
     * Whether a connection-oriented flow of this peer is still open. Asking the stack also sets
     * how long the flow may stay silent (Flow-Timer plus a grace), after which the stack closes
     * it: an RFC 5626 user agent sends keep-alives at least that often.
     */
    boolean flowAlive(Flow flow) {
        return stack.setKeepAliveTimeout(settings.host(), settings.port(), flow.transport().toUpperCase(Locale.ROOT),
            flow.host(), flow.port(), (settings.flowTimer() + FLOW_GRACE_SECONDS) * 1000L);
    }

    // ---------------------------------------------------------------- message building

    private void setRoutes(Request out, List<String> first, List<RouteHeader> remaining) throws ParseException,
        javax.sip.SipException {
        out.removeHeader(RouteHeader.NAME);
        for (String route : first) {
            String uri = route.strip();
            out.addLast(messages.headers().createRouteHeader(addresses.createAddress(
                uri.startsWith("<") ? uri.substring(1, uri.lastIndexOf('>')) : uri)));
        }
        for (RouteHeader r : remaining) {
            out.addLast((RouteHeader) r.clone());
        }
    }

    private void decrementMaxForwards(Request out) throws javax.sip.InvalidArgumentException {
        MaxForwardsHeader mf = (MaxForwardsHeader) out.getHeader(MaxForwardsHeader.NAME);
        if (mf == null) {
            out.setHeader(messages.headers().createMaxForwardsHeader(DEFAULT_MAX_FORWARDS - 1));
        } else {
            mf.setMaxForwards(Math.max(0, mf.getMaxForwards() - 1));
        }
    }

    /**
     * Record-Route (RFC 3261 §16.6 step 4) naming this peer, with the flow token of each user
     * agent flow it holds on the path (the caller's when the request came straight from it, the
     * callee's when it goes out on a registered flow); a plain URI when it holds neither. A user
     * agent uses the entry nearest to it, so the caller's is added first, below the callee's.
     */
    private void recordRoute(Request out, Flow callerFlow, Flow calleeFlow) throws ParseException, javax.sip.SipException {
        List<String> uris = new ArrayList<>();
        if (callerFlow != null) {
            uris.add(ownUri(callerFlow));
        }
        if (calleeFlow != null) {
            uris.add(ownUri(calleeFlow));
        }
        if (uris.isEmpty()) {
            uris.add("sip:" + settings.address() + ";lr");
        }
        for (String uri : uris) {
            RecordRouteHeader rr = messages.headers().createRecordRouteHeader(addresses.createAddress(uri));
            out.addFirst(rr);
        }
    }

    private String ownUri(Flow flow) {
        String transport = "udp".equalsIgnoreCase(flow.transport()) ? "" : ";transport=" + flow.transport().toLowerCase(Locale.ROOT);
        String host = settings.host().indexOf(':') >= 0 ? "[" + settings.host() + "]" : settings.host();
        return "sip:" + tokens.issue(flow) + "@" + host + ":" + portFor(flow.transport()) + transport + ";lr";
    }

    /** This peer's port for a transport: the TLS listening point has its own. */
    private int portFor(String transport) {
        return "tls".equalsIgnoreCase(transport) && settings.tls().isPresent() ? settings.tls().get().port() : settings.port();
    }

    private ViaHeader via(String transport, String branch) throws ParseException, javax.sip.InvalidArgumentException {
        ViaHeader via = messages.headers().createViaHeader(settings.host(), portFor(transport), transport, branch);
        via.setRPort();
        return via;
    }

    /** The INVITE a CANCEL refers to has the same top Via branch and sent-by (RFC 3261 §9.2). */
    private static String key(Request r) {
        ViaHeader top = (ViaHeader) r.getHeader(ViaHeader.NAME);
        return top == null ? "" : top.getBranch() + "|" + top.getHost() + ":" + top.getPort() + "|"
            + ((javax.sip.header.CallIdHeader) r.getHeader(javax.sip.header.CallIdHeader.NAME)).getCallId();
    }
}
