package org.sipring.peer.app;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.sipring.peer.overlay.topology.chord.ChordOverlay;

/** An {@link Overlay} the composition root can start and close: the running peer's overlay. */
public interface OverlayRuntime extends Overlay, AutoCloseable {

    /** Starts the link and the overlay's driver thread; the peer is then JOINING. */
    void start();

    /** Stops the driver thread and the link. */
    @Override
    void close();

    /** How far this peer's drain has come ({@link DrainProgress#NONE} before one starts). */
    default DrainProgress drainProgress() {
        return DrainProgress.NONE;
    }

    /** The chord-reload overlay as a runtime. */
    static OverlayRuntime of(ChordOverlay chord) {
        return new OverlayRuntime() {
            @Override
            public void start() {
                chord.start();
            }

            @Override
            public void close() {
                chord.close();
            }

            @Override
            public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
                return chord.join(bootstrapPeers);
            }

            @Override
            public CompletableFuture<Void> leave() {
                return chord.leave();
            }

            @Override
            public DrainProgress drainProgress() {
                return chord.drainProgress();
            }

            @Override
            public CompletableFuture<PeerInfo> lookup(String resourceName) {
                return chord.lookup(resourceName);
            }

            @Override
            public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
                return chord.store(resourceName, kind, values);
            }

            @Override
            public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
                return chord.fetch(resourceName, kind);
            }

            @Override
            public CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure,
                                                          byte[] argument) {
                return chord.update(resourceName, kind, procedure, argument);
            }

            @Override
            public CompletableFuture<PeerSnapshot> snapshot() {
                return chord.snapshot();
            }

            @Override
            public String toString() {
                return chord.toString();
            }
        };
    }
}
