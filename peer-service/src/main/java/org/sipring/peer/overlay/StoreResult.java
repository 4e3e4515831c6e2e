package org.sipring.peer.overlay;

import java.util.List;
import org.sipring.peer.overlay.id.NodeId;

/**
 * The outcome of a store (RFC 6940 §7.4.1.2 StoreKindResponse).
 *
 * @param generation the kind's generation counter after the store
 * @param replicas   peers that hold replicas
 */
public record StoreResult(long generation, List<NodeId> replicas) {

    public StoreResult {
        replicas = List.copyOf(replicas);
    }
}
