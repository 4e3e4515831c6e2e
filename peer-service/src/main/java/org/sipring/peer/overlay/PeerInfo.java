package org.sipring.peer.overlay;

import org.sipring.peer.overlay.id.NodeId;

/** A peer as the overlay knows it: its Node-ID and where its overlay link listens. */
public record PeerInfo(NodeId id, PeerAddress address) {
}
