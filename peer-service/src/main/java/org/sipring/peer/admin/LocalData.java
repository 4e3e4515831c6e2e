package org.sipring.peer.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.StoredValue;

/** What this peer itself holds, for operators inspecting copies (not routed through the overlay). */
public interface LocalData {

    /** Live values of one kind under a resource name in this peer's own store. */
    CompletableFuture<List<StoredValue>> fetchLocal(String resourceName, Kind kind);

    /** Counts of this peer's store. */
    StorageCounts counts();

    /**
     * @param slots       resource/kind pairs held (as owner or replica), deletion markers included
     * @param elements    values held, deletion markers included
     * @param bytesOnDisk size of the store's files
     * @param queued      operations waiting for the storage thread
     */
    record StorageCounts(long slots, long elements, long bytesOnDisk, int queued) {
    }
}
