package org.sipring.peer.overlay.topology.chord;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.link.Link;

/**
 * The overlay as a running service: one driver thread owns a {@link ChordPeer} state machine, feeds
 * it link events and clock ticks, and completes callers' futures from it.
 */
public final class ChordOverlay implements Overlay, AutoCloseable {

    public ChordOverlay(ChordConfig config, Link link, Clock clock, RandomGenerator random, LocalStorage storage) {
        throw new UnsupportedOperationException("work in progress");
    }

    /** Starts the link and the driver thread; the peer is JOINING until {@link #join} completes. */
    public void start() {
    }

    @Override
    public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
        return null;
    }

    @Override
    public CompletableFuture<Void> leave() {
        return null;
    }

    @Override
    public CompletableFuture<PeerInfo> lookup(String resourceName) {
        return null;
    }

    @Override
    public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
        return null;
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
        return null;
    }

    @Override
    public CompletableFuture<PeerSnapshot> snapshot() {
        return null;
    }

    @Override
    public void close() {
    }
}
