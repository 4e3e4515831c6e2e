package org.sipring.peer.app;

import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.sipring.peer.admin.PeerControl;
import org.sipring.peer.app.config.InvalidPropertyException;
import org.sipring.peer.app.config.JoinPolicy;
import org.sipring.peer.app.config.PeerStartupException;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.id.NodeId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the peer's life in the overlay: starts the overlay, joins (or founds) and retries with
 * exponential backoff while the join fails, persists the Node-ID once joined, and leaves gracefully
 * on shutdown. Starts last and stops first, so the admin API still answers while the peer leaves.
 *
 * <p>All its own work runs on one small daemon thread; callbacks from the overlay hop onto it at
 * once, so the overlay's thread never waits for disk or logs.
 */
public final class PeerLifecycle implements SmartLifecycle, PeerControl {

    private static final Logger log = LoggerFactory.getLogger(PeerLifecycle.class);
    private static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(3);

    private final OverlayRuntime overlay;
    private final JoinPolicy policy;
    private final NodeIdStore nodeIdStore;
    private final RandomGenerator jitter;
    private final Consumer<NodeId> onIdentified;
    private final ScheduledExecutorService worker;
    private final CompletableFuture<NodeId> joined = new CompletableFuture<>();

    private volatile boolean running;
    private volatile boolean leaving;
    private CompletableFuture<Void> leaveFuture;
    private final List<Consumer<CompletableFuture<Void>>> leaveListeners = new CopyOnWriteArrayList<>();
    private int failedAttempts;

    /**
     * @param onIdentified told this peer's Node-ID once it is known (to name the peer in logs)
     */
    public PeerLifecycle(OverlayRuntime overlay, JoinPolicy policy, NodeIdStore nodeIdStore, RandomGenerator jitter,
                         Consumer<NodeId> onIdentified) {
        this.overlay = overlay;
        this.policy = policy;
        this.nodeIdStore = nodeIdStore;
        this.jitter = jitter;
        this.onIdentified = onIdentified;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "peer-lifecycle");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void start() {
        try {
            overlay.start();
        } catch (RuntimeException e) {
            throw startFailure(e);
        }
        running = true;
        worker.execute(this::attemptJoin);
    }

    private RuntimeException startFailure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PeerStartupException p) {
                return p;
            }
            if (t instanceof BindException b) {
                return new InvalidPropertyException("peer.overlay.listen", "cannot listen: " + b.getMessage());
            }
        }
        return new PeerStartupException("the overlay did not start: " + e, e);
    }

    /** Completes with this peer's Node-ID once it has joined. */
    public CompletableFuture<NodeId> joined() {
        return joined.copy();
    }

    private void attemptJoin() {
        if (!running || leaving) {
            return;
        }
        if (policy.foundsOverlay()) {
            log.info("founding a new overlay");
        } else {
            log.info("joining the overlay through {}",
                policy.bootstrap().stream().map(Object::toString).collect(Collectors.joining(", ")));
        }
        CompletableFuture<Void> attempt;
        try {
            attempt = overlay.join(policy.bootstrap());
        } catch (RuntimeException e) {
            attempt = CompletableFuture.failedFuture(e);
        }
        attempt.whenCompleteAsync((ok, failure) -> {
            if (failure == null) {
                afterJoin();
            } else {
                retryJoin(failure);
            }
        }, worker);
    }

    private void retryJoin(Throwable failure) {
        if (!running || leaving) {
            return;
        }
        failedAttempts++;
        Duration pause = backoff(failedAttempts);
        log.warn("join attempt {} failed: {}; trying again in {} ms", failedAttempts, reason(failure),
            pause.toMillis());
        worker.schedule(this::attemptJoin, pause.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** initial * 2^(n-1), capped at the maximum, then spread by up to ±20% so peers do not retry in step. */
    Duration backoff(int failures) {
        long initial = policy.retryInitial().toMillis();
        long max = policy.retryMax().toMillis();
        long base = failures >= 31 ? max : Math.min(max, initial << Math.max(0, failures - 1));
        double spread = 0.8 + 0.4 * jitter.nextDouble();
        return Duration.ofMillis(Math.max(1, Math.min(max, Math.round(base * spread))));
    }

    private void afterJoin() {
        overlay.snapshot().whenCompleteAsync((snapshot, failure) -> {
            if (failure != null) {
                log.warn("joined, but the peer's state cannot be read: {}", reason(failure));
                return;
            }
            NodeId id = snapshot.nodeId();
            onIdentified.accept(id);
            try {
                nodeIdStore.save(id);
            } catch (RuntimeException e) {
                log.error("cannot persist the Node-ID in {}: {}", nodeIdStore.file(), reason(e));
            }
            log.info("joined the overlay as {} at {}: state {}, {} known peers", id, snapshot.self().address(),
                snapshot.state(), snapshot.knownPeers().size());
            joined.complete(id);
        }, worker);
    }

    /**
     * Called once, when the peer starts to leave (a drain or a shutdown), with the leave's
     * completion: front ends stop taking work and close their clients' connections once it is done.
     */
    public void onLeave(Consumer<CompletableFuture<Void>> listener) {
        leaveListeners.add(listener);
    }

    @Override
    public synchronized CompletableFuture<Void> leave() {
        leaving = true;
        if (leaveFuture == null) {
            log.info("leaving the overlay");
            CompletableFuture<Void> f;
            try {
                f = overlay.leave();
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            leaveFuture = f.whenComplete((ok, failure) -> {
                if (failure == null) {
                    log.info("left the overlay");
                } else {
                    log.warn("graceful leave failed: {}", reason(failure));
                }
            });
            for (Consumer<CompletableFuture<Void>> listener : leaveListeners) {
                try {
                    listener.accept(leaveFuture.copy());
                } catch (RuntimeException e) {
                    log.warn("a leave listener failed: {}", reason(e));
                }
            }
        }
        return leaveFuture.copy();
    }

    @Override
    public DrainProgress drainProgress() {
        return overlay.drainProgress();
    }

    @Override
    public void stop() {
        if (!running) {
            return;
        }
        running = false;
        try {
            if (shouldLeave()) {
                leave().get(policy.leaveTimeout().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException e) {
            log.warn("graceful leave did not finish within {} s; closing anyway", policy.leaveTimeout().toSeconds());
        } catch (ExecutionException e) {
            // already logged by leave()
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            worker.shutdownNow();
            try {
                overlay.close();
            } catch (RuntimeException e) {
                log.warn("closing the overlay failed: {}", reason(e));
            }
        }
    }

    private boolean shouldLeave() throws InterruptedException {
        synchronized (this) {
            if (leaveFuture != null) {
                return true;
            }
        }
        try {
            PeerState state = overlay.snapshot().get(SNAPSHOT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).state();
            return state == PeerState.ACTIVE || state == PeerState.DRAINING;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("cannot read the peer's state before shutdown ({}); leaving anyway", reason(e));
            return true;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Last to start, first to stop: the web server is up before the join and still up during the leave. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    static String reason(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null || m.isBlank() ? c.getClass().getSimpleName() : m;
    }
}
