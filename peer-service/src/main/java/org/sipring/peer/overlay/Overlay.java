package org.sipring.peer.overlay;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The distributed hash table as the rest of the program sees it. Nothing here says "Chord": a
 * caller joins, looks up, stores and fetches, and gets typed failures ({@link OverlayException})
 * through the returned futures. Every method returns at once; futures complete on the overlay's
 * own thread, so callers must not block inside their callbacks.
 */
public interface Overlay {

    /**
     * Joins the overlay through any of the bootstrap peers; an empty list founds a new overlay.
     * Completes when this peer is ACTIVE.
     */
    CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers);

    /** Leaves gracefully (RFC 6940 §10.9): tells the neighbours, then stops routing. */
    CompletableFuture<Void> leave();

    /** The peer currently responsible for a resource name. */
    CompletableFuture<PeerInfo> lookup(String resourceName);

    /** Stores values of one kind under a resource name at its responsible peer. */
    CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values);

    /** Fetches every value of one kind stored under a resource name. */
    CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind);

    /**
     * Runs a registered {@link SlotProcedure} on the values of one kind under a resource name, at
     * its responsible peer, as one atomic read-modify-write that is replicated before it is
     * acknowledged. Concurrent updates of one resource, from any peers, never lose each other's
     * changes.
     */
    CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure, byte[] argument);

    /** A consistent snapshot of this peer's view, taken on the overlay thread. */
    CompletableFuture<PeerSnapshot> snapshot();
}
