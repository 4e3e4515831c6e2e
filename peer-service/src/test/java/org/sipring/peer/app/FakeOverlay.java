package org.sipring.peer.app;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.sipring.peer.overlay.id.NodeId;

/** An in-memory stand-in for the overlay: scripted joins, a settable state, counted calls. */
public final class FakeOverlay implements OverlayRuntime {

    public final PeerInfo self;
    public final AtomicInteger joinFailuresLeft = new AtomicInteger();
    public final AtomicInteger joins = new AtomicInteger();
    public final AtomicInteger leaves = new AtomicInteger();
    public volatile boolean started;
    public volatile boolean closed;
    public volatile PeerState state = PeerState.JOINING;
    public volatile List<PeerInfo> predecessors = List.of();
    public volatile List<PeerInfo> successors = List.of();
    public volatile List<PeerInfo> knownPeers = List.of();
    public volatile RuntimeException snapshotFailure;
    public volatile RuntimeException startFailure;
    public volatile DrainProgress drainProgress = DrainProgress.NONE;

    public FakeOverlay(PeerInfo self) {
        this.self = self;
    }

    public static PeerInfo peer(String hexId, String address) {
        return new PeerInfo(NodeId.fromHex(hexId), PeerAddress.parse(address));
    }

    /** A peer with a Node-ID made from one repeated hex digit, at 127.0.0.n:6084. */
    public static PeerInfo peer(char digit, int n) {
        return peer(String.valueOf(digit).repeat(32), "127.0.0." + n + ":6084");
    }

    public static PeerAddress address(int n) {
        try {
            return new PeerAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n}), 6084);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void start() {
        if (startFailure != null) {
            throw startFailure;
        }
        started = true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
        joins.incrementAndGet();
        if (joinFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return CompletableFuture.failedFuture(new OverlayException.JoinFailed("no bootstrap peer answered"));
        }
        state = PeerState.ACTIVE;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> leave() {
        leaves.incrementAndGet();
        state = PeerState.LEFT;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public DrainProgress drainProgress() {
        return drainProgress;
    }

    @Override
    public CompletableFuture<PeerInfo> lookup(String resourceName) {
        return CompletableFuture.completedFuture(self);
    }

    @Override
    public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
        return CompletableFuture.completedFuture(new StoreResult(1, List.of()));
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure, byte[] argument) {
        return CompletableFuture.completedFuture(new UpdateResult(1, new byte[0]));
    }

    @Override
    public CompletableFuture<PeerSnapshot> snapshot() {
        if (snapshotFailure != null) {
            return CompletableFuture.failedFuture(snapshotFailure);
        }
        List<PeerInfo> fingers = new ArrayList<>(successors);
        return CompletableFuture.completedFuture(
            new PeerSnapshot(self, state, predecessors, successors, fingers, knownPeers, 42));
    }
}
