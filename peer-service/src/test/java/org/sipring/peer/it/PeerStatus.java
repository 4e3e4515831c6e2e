package org.sipring.peer.it;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code GET /api/v1/peer} as the tests read it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PeerStatus(String nodeId, String state, String address, List<Ref> predecessors, List<Ref> successors,
                         int fingers, int knownPeers, long uptimeSeconds) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ref(String nodeId, String address) {
    }

    public List<String> successorIds() {
        return successors.stream().map(Ref::nodeId).toList();
    }

    public List<String> predecessorIds() {
        return predecessors.stream().map(Ref::nodeId).toList();
    }

    public boolean isActive() {
        return "ACTIVE".equals(state);
    }
}
