package org.sipring.peer.overlay;

import java.util.List;
import org.sipring.peer.overlay.id.NodeId;

/**
 * What one peer knows, at one instant.
 *
 * @param self          this peer
 * @param state         lifecycle state
 * @param predecessors  nearest first
 * @param successors    nearest first
 * @param fingers       distinct peers in the finger table
 * @param knownPeers    every live peer this peer knows of (its membership view), itself included
 * @param uptimeSeconds since the peer process started its overlay
 */
public record PeerSnapshot(PeerInfo self, PeerState state, List<PeerInfo> predecessors, List<PeerInfo> successors,
                           List<PeerInfo> fingers, List<PeerInfo> knownPeers, long uptimeSeconds) {

    public PeerSnapshot {
        predecessors = List.copyOf(predecessors);
        successors = List.copyOf(successors);
        fingers = List.copyOf(fingers);
        knownPeers = List.copyOf(knownPeers);
    }

    public NodeId nodeId() {
        return self.id();
    }
}
