package org.sipring.peer.app;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.ErrorCode;

/**
 * Local storage for a peer that only routes: refuses every Store and answers every Fetch with
 * nothing, so the overlay's membership works before a data store is configured.
 */
public final class NoDataStore implements LocalStorage {

    @Override
    public CompletableFuture<StoreResult> store(ResourceId resource, int replicaNumber, Kind kind, long generation,
                                                List<StoredValue> values) {
        return CompletableFuture.failedFuture(
            new OverlayException.RemoteError(ErrorCode.FORBIDDEN.value(), "this peer stores no data"));
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(ResourceId resource, Kind kind) {
        return CompletableFuture.completedFuture(List.of());
    }
}
