package org.sipring.peer.overlay.topology.chord;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.Message;

/** Store and Fetch (RFC 6940 §7.4) between the overlay and the local storage port. */
final class StoreFetchHandler implements ChordPeer.RequestHandler {

    private final LocalStorage storage;
    private final Executor driver;

    StoreFetchHandler(LocalStorage storage, Executor driver) {
        this.storage = storage;
        this.driver = driver;
    }

    @Override
    public boolean handle(Message request, ChordPeer.ReturnPath path, ChordPeer peer) {
        return false;
    }

    void store(ChordPeer peer, ResourceId resource, Kind kind, List<StoredValue> values,
               CompletableFuture<StoreResult> done) {
        done.completeExceptionally(new UnsupportedOperationException("store arrives with the codec"));
    }

    void fetch(ChordPeer peer, ResourceId resource, Kind kind, CompletableFuture<List<StoredValue>> done) {
        done.completeExceptionally(new UnsupportedOperationException("fetch arrives with the codec"));
    }
}
