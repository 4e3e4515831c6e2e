package org.sipring.peer.app;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;

/**
 * The overlay, built when the peer starts rather than when the application context is assembled:
 * the link and the overlay come into being once the admin API is already listening, and a failure
 * to build them (a port in use, an unusable certificate) stops start-up through the lifecycle with
 * one clear line. Until then every operation fails with {@link OverlayException.NotJoined}.
 */
final class DeferredOverlay implements OverlayRuntime {

    private final Supplier<OverlayRuntime> factory;
    private volatile OverlayRuntime delegate;

    DeferredOverlay(Supplier<OverlayRuntime> factory) {
        this.factory = factory;
    }

    @Override
    public synchronized void start() {
        if (delegate == null) {
            OverlayRuntime built = factory.get();
            try {
                built.start();
            } catch (RuntimeException e) {
                try {
                    built.close();
                } catch (RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            delegate = built;
        }
    }

    @Override
    public synchronized void close() {
        if (delegate != null) {
            delegate.close();
        }
    }

    private <T> CompletableFuture<T> call(Function<OverlayRuntime, CompletableFuture<T>> operation) {
        OverlayRuntime d = delegate;
        return d == null ? CompletableFuture.failedFuture(new OverlayException.NotJoined("starting")) : operation.apply(d);
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
        return call(d -> d.join(bootstrapPeers));
    }

    @Override
    public CompletableFuture<Void> leave() {
        return call(OverlayRuntime::leave);
    }

    @Override
    public CompletableFuture<PeerInfo> lookup(String resourceName) {
        return call(d -> d.lookup(resourceName));
    }

    @Override
    public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
        return call(d -> d.store(resourceName, kind, values));
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
        return call(d -> d.fetch(resourceName, kind));
    }

    @Override
    public CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure, byte[] argument) {
        return call(d -> d.update(resourceName, kind, procedure, argument));
    }

    @Override
    public DrainProgress drainProgress() {
        OverlayRuntime d = delegate;
        return d == null ? DrainProgress.NONE : d.drainProgress();
    }

    @Override
    public CompletableFuture<PeerSnapshot> snapshot() {
        return call(OverlayRuntime::snapshot);
    }
}
