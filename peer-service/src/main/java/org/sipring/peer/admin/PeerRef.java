package org.sipring.peer.admin;

import org.sipring.peer.overlay.PeerInfo;

/** A peer in API answers: its Node-ID (32 hex digits) and overlay address (host:port). */
public record PeerRef(String nodeId, String address) {

    static PeerRef of(PeerInfo peer) {
        return new PeerRef(peer.id().toHex(), peer.address().toString());
    }
}
