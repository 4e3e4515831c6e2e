package org.sipring.peer.sip.jainsip;

import gov.nist.javax.sip.RequestEventExt;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.message.SIPRequest;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.sipring.peer.sip.Flow;
import org.sipring.peer.sip.NonceAuthority;
import org.sipring.peer.sip.Registrar;
import org.sipring.peer.sip.SipSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's SIP front end on JAIN-SIP: UDP and TCP listening points on one address and port,
 * requests dispatched by method from the stack's bounded listener pool. Nothing here waits for
 * the overlay: handlers start an overlay operation and answer from its completion, on a small
 * responder pool so the overlay's thread never writes to a socket.
 */
public final class SipServer implements SipListener, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SipServer.class);

    private final SipSettings settings;
    private final SipStack stack;
    private final SipProvider provider;
    private final ThreadPoolExecutor responder;
    private final ScheduledExecutorService timers;
    private final Messages messages;
    private final RegisterHandler register;
    private final Proxy proxy;
    private final SipCounters counters;

    private SipServer(SipSettings settings, SipStack stack, SipProvider provider, ThreadPoolExecutor responder,
                      ScheduledExecutorService timers, Messages messages, RegisterHandler register, Proxy proxy,
                      SipCounters counters) {
        this.settings = settings;
        this.stack = stack;
        this.provider = provider;
        this.responder = responder;
        this.timers = timers;
        this.messages = messages;
        this.register = register;
        this.proxy = proxy;
        this.counters = counters;
    }

    /**
     * Binds the listening points and starts serving.
     *
     * @throws SipStartException naming the address when the stack cannot start
     */
    public static SipServer start(SipSettings settings, Registrar registrar, NonceAuthority nonces) {
        SipStack stack = null;
        SipCounters counters = new SipCounters();
        AtomicInteger pending = new AtomicInteger();
        StackHooks.register(SipStackFactory.name(settings), new StackHooks.Hooks(counters, pending, settings.maxPending()));
        try {
            stack = SipStackFactory.create(settings);
            ListeningPoint udp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.UDP);
            ListeningPoint tcp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.TCP);
            SipProvider provider = stack.createSipProvider(udp);
            provider.addListeningPoint(tcp);
            if (settings.tls().isPresent()) {
                provider.addListeningPoint(stack.createListeningPoint(settings.host(), settings.tls().get().port(),
                    ListeningPoint.TLS));
            }
            SipFactory factory = SipFactory.getInstance();
            Messages messages = new Messages(factory.createMessageFactory(), factory.createHeaderFactory(),
                factory.createAddressFactory(), counters, provider);
            ThreadPoolExecutor responder = responderPool();
            ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sip-timer");
                t.setDaemon(true);
                return t;
            });
            Proxy proxy = new Proxy(settings, registrar, messages, factory.createAddressFactory(), provider,
                (SipStackImpl) stack, responder, timers, pending);
            RegisterHandler register = new RegisterHandler(settings, registrar, nonces, messages, responder, pending,
                proxy::registeredOn);
            SipServer server = new SipServer(settings, stack, provider, responder, timers, messages, register, proxy,
                counters);
            provider.addSipListener(server);
            stack.start();
            log.info("SIP on {} (udp, tcp{}), domains {}, digest authentication {}, {}", settings.address(),
                settings.tls().map(t -> ", tls on port " + t.port()).orElse(""),
                settings.domains(), settings.authEnabled() ? "on" : "off",
                settings.routing() == SipSettings.Routing.PROXY ? "proxying to contacts" : "redirecting to contacts");
            return server;
        } catch (Exception e) {
            StackHooks.unregister(SipStackFactory.name(settings));
            if (stack != null) {
                stack.stop();
            }
            throw new SipStartException("cannot listen for SIP on " + settings.address() + ": " + e.getMessage(), e);
        }
    }

    private static ThreadPoolExecutor responderPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(20_000),
            r -> {
                Thread t = new Thread(r, "sip-responder-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardOldestPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    public SipCounters counters() {
        return counters;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        String method = request.getMethod();
        ServerTransaction tx = event.getServerTransaction();
        if (Request.ACK.equals(method)) {
            if (tx == null) {
                counters.countReceived(method);
                proxy.ack(request, new Flow(transport(request), remoteAddress(event), Math.max(1, remotePort(event)),
                    settings.address()));
            }
            return;
        }
        try {
            if (tx == null && !answeredStatelessly(request)) {
                tx = provider.getNewServerTransaction(request);
            }
        } catch (TransactionAlreadyExistsException e) {
            return;
        } catch (Exception e) {
            // the stack refuses a transaction for a request it finds incomplete (an INVITE without
            // Contact...): answered statelessly with its reason
            log.debug("no transaction for a {}: {}", method, e.getMessage());
            try {
                provider.sendResponse(messages.response(request, Response.BAD_REQUEST,
                    String.valueOf(e.getMessage())));
                counters.countAnswered(Response.BAD_REQUEST);
            } catch (Exception unanswerable) {
                counters.countDropped();
            }
            return;
        }
        counters.countReceived(method);
        Exchange exchange = new Exchange(tx, request, transport(request), remoteAddress(event), remotePort(event));
        if (request instanceof SIPRequest sip && !"SIP/2.0".equals(sip.getRequestLine().getSipVersion())) {
            messages.send(exchange, messages.response(request, Response.VERSION_NOT_SUPPORTED));
            return;
        }
        try {
            switch (method) {
                case Request.REGISTER -> register.handle(exchange);
                case Request.CANCEL -> proxy.cancel(exchange);
                default -> proxy.handle(exchange);
            }
        } catch (RuntimeException e) {
            log.warn("{} from {}:{} failed: {}", method, exchange.remoteHost(), exchange.remotePort(), e.toString());
            messages.send(exchange, messages.response(request, Response.SERVER_INTERNAL_ERROR));
        }
    }

    /**
     * A REGISTER over UDP is answered statelessly (RFC 3261 §8.2.7), as registrars commonly do:
     * a server transaction would hold the request and its response for Timer J, 32 s, to absorb
     * retransmissions, which the registrar answers correctly anyway (a retransmission of an
     * applied REGISTER gets the current 200 again; one arriving while the first is still in the
     * overlay is dropped by {@link RegisterHandler}). Over TCP and TLS a transaction ends with its
     * response (Timer J is 0) and is kept.
     */
    private static boolean answeredStatelessly(Request request) {
        return Request.REGISTER.equals(request.getMethod()) && "udp".equals(transport(request));
    }

    private static String transport(Request r) {
        javax.sip.header.ViaHeader via = (javax.sip.header.ViaHeader) r.getHeader(javax.sip.header.ViaHeader.NAME);
        return via == null || via.getTransport() == null ? "udp" : via.getTransport().toLowerCase(Locale.ROOT);
    }

    private static String remoteAddress(RequestEvent e) {
        return e instanceof RequestEventExt x ? x.getRemoteIpAddress() : "";
    }

    private static int remotePort(RequestEvent e) {
        return e instanceof RequestEventExt x ? x.getRemotePort() : 0;
    }

    @Override
    public void processResponse(ResponseEvent event) {
        try {
            proxy.response(event);
        } catch (RuntimeException e) {
            counters.countDropped();
            log.warn("a {} response could not be forwarded: {}", event.getResponse().getStatusCode(), e.toString());
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        proxy.timeout(event);
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        log.debug("SIP I/O error with {}:{} over {}", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    /** The peer is leaving: it stops passing health probes (OPTIONS to the peer gets 503). */
    public void drain() {
        proxy.drain();
        log.info("SIP draining: health probes answered 503");
    }

    /** The peer has left: user agents' TCP connections are closed so they register through another peer. */
    public void closeFlows() {
        log.info("closed {} user agent connections", proxy.closeFlows());
    }

    @Override
    public void close() {
        try {
            stack.stop();
        } finally {
            responder.shutdown();
            timers.shutdownNow();
            StackHooks.unregister(SipStackFactory.name(settings));
        }
        log.info("SIP on {} stopped", settings.address());
    }

    /** The SIP stack could not start (address in use, bad address). */
    public static final class SipStartException extends RuntimeException {
        SipStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
