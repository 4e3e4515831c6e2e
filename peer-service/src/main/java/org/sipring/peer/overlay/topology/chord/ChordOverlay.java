package org.sipring.peer.overlay.topology.chord;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.link.LinkListener;
import org.sipring.peer.overlay.message.Message;

/**
 * The overlay as a running service: one driver thread owns a {@link ChordPeer} state machine, feeds
 * it link events and clock ticks, and completes callers' futures from it. The queue in front of the
 * driver is bounded: when it is full, link events are dropped (end-to-end retransmission recovers
 * them) and API calls fail with {@link OverlayException.Overloaded}.
 */
public final class ChordOverlay implements Overlay, AutoCloseable {

    private static final long TICK_MILLIS = 50;

    private final ChordPeer peer;
    private final Link link;
    private final ScheduledThreadPoolExecutor driver;
    private final StorageClient storageClient;
    private final StorageHandler storageHandler;
    private volatile DrainProgress drainProgress = DrainProgress.NONE;
    private volatile PeerSnapshot lastSnapshot;
    private volatile java.util.function.Consumer<NodeId> nodeIdListener = id -> { };
    private NodeId reportedId;

    public ChordOverlay(ChordConfig config, Link link, Clock clock, RandomGenerator random, LocalStorage storage) {
        this(config, link, clock, random, storage, RangeSync.Settings.defaults());
    }

    /**
     * @param storage where storage requests this peer serves go; null for a peer that stores
     *                nothing (it answers them with an error)
     * @param sync    how ranges move between peers and how often replicas are repaired
     */
    public ChordOverlay(ChordConfig config, Link link, Clock clock, RandomGenerator random, LocalStorage storage,
                        RangeSync.Settings sync) {
        this.link = link;
        this.driver = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "overlay-driver");
            t.setDaemon(true);
            return t;
        });
        this.driver.setRemoveOnCancelPolicy(true);
        this.storageClient = new StorageClient((delay, task) -> {
            try {
                driver.schedule(task, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        });
        this.storageHandler = storage == null ? null
            : new StorageHandler(storage, this::runOnDriver, sync);
        this.peer = new ChordPeer(config, link, clock, random, storageHandler);
        this.lastSnapshot = peer.snapshot();
    }

    /** Starts the link and the driver thread; the peer is JOINING until {@link #join} completes. */
    public void start() {
        link.start(new LinkListener() {
            @Override
            public void onMessage(long connectionId, PeerAddress remoteListen, Message message) {
                offer(() -> peer.onMessage(connectionId, remoteListen, message));
            }

            @Override
            public void onConnectionClosed(long connectionId, PeerAddress remoteListen, String reason) {
                offer(() -> peer.onConnectionClosed(connectionId, remoteListen, reason));
            }
        });
        driver.scheduleWithFixedDelay(() -> {
            peer.tick();
            PeerSnapshot s = peer.snapshot();
            lastSnapshot = s;
            if (storageHandler != null && s.state() != PeerState.ACTIVE) {
                RangeSync.Progress p = storageHandler.handOffProgress();
                drainProgress = new DrainProgress(p.slotsMoved(), p.bytesMoved(), p.slotsTotal(), p.done());
            }
            if (s.state() == PeerState.ACTIVE && !s.nodeId().equals(reportedId)) {
                reportedId = s.nodeId();
                nodeIdListener.accept(reportedId);
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void offer(Runnable r) {
        if (driver.getQueue().size() > 10_000) {
            return;
        }
        runOnDriver(r);
    }

    private void runOnDriver(Runnable r) {
        try {
            driver.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // shutting down: nothing left to deliver to
        }
    }

    private <T> CompletableFuture<T> call(java.util.function.Consumer<CompletableFuture<T>> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (driver.getQueue().size() > 10_000) {
            f.completeExceptionally(new OverlayException.Overloaded("overlay driver queue full"));
            return f;
        }
        runOnDriver(() -> {
            try {
                action.accept(f);
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
        return call(f -> peer.join(bootstrapPeers, f));
    }

    @Override
    public CompletableFuture<Void> leave() {
        return call(peer::leave);
    }

    @Override
    public CompletableFuture<PeerInfo> lookup(String resourceName) {
        ResourceId k = ResourceId.ofName(resourceName);
        return call(f -> peer.lookup(k, f));
    }

    @Override
    public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
        return call(f -> storageClient.store(peer, ResourceId.ofName(resourceName), kind, values, f));
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
        return call(f -> storageClient.fetch(peer, ResourceId.ofName(resourceName), kind, f));
    }

    @Override
    public CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure, byte[] argument) {
        return call(f -> storageClient.update(peer, ResourceId.ofName(resourceName), kind, procedure, argument, f));
    }

    @Override
    public CompletableFuture<PeerSnapshot> snapshot() {
        return call(f -> f.complete(peer.snapshot()));
    }

    /**
     * Called on the driver thread whenever the peer becomes ACTIVE under a Node-ID it has not
     * reported before: after the first join and after each move to rebalance the ring. The listener
     * must hand any slow work (persisting the id) to another thread.
     */
    public void onNodeIdChange(java.util.function.Consumer<NodeId> listener) {
        this.nodeIdListener = listener;
    }

    /** The progress of this peer's drain, as of the last tick. */
    public DrainProgress drainProgress() {
        return drainProgress;
    }

    public PeerState state() {
        return lastSnapshot.state();
    }

    @Override
    public void close() {
        driver.shutdownNow();
        link.stop();
    }

}
