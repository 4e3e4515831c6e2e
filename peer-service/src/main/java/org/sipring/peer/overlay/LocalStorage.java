package org.sipring.peer.overlay;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * The storage port the overlay hands Store and Fetch requests to once routing has brought them to
 * this peer (RFC 6940 §7). Implementations do their disk work off the overlay thread and complete
 * the futures when done; a refusal completes exceptionally with {@link OverlayException.RemoteError}
 * carrying the RELOAD error code.
 */
public interface LocalStorage {

    /**
     * Stores values of one kind.
     *
     * @param replicaNumber 0 at the responsible peer, 1.. on replicas (§7.4.1.1)
     * @param generation    the generation counter the writer expects, 0 for none (§7.4.1)
     */
    CompletableFuture<StoreResult> store(ResourceId resource, int replicaNumber, Kind kind, long generation,
                                         List<StoredValue> values);

    /** Every live value of one kind under a resource. */
    CompletableFuture<List<StoredValue>> fetch(ResourceId resource, Kind kind);
}
