package org.sipring.peer.admin;

import java.util.List;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.PeerState;

/**
 * {@code GET /api/v1/peer}: this peer's state and neighbourhood.
 *
 * @param predecessors nearest first
 * @param successors   nearest first
 * @param fingers      distinct peers in the finger table
 * @param knownPeers   peers in this peer's membership view, itself included
 */
public record PeerView(String nodeId, PeerState state, String address, List<PeerRef> predecessors,
                       List<PeerRef> successors, int fingers, int knownPeers, long uptimeSeconds) {

    static PeerView of(PeerSnapshot s) {
        return new PeerView(s.nodeId().toHex(), s.state(), s.self().address().toString(),
            s.predecessors().stream().map(PeerRef::of).toList(), s.successors().stream().map(PeerRef::of).toList(),
            s.fingers().size(), s.knownPeers().size(), s.uptimeSeconds());
    }
}
