package org.sipring.peer.overlay;

/** Lifecycle of a peer in the overlay. */
public enum PeerState {
    /** Started, not yet admitted (RFC 6940 §10.5 in progress). */
    JOINING,
    /** A full member: routes and is responsible for its range. */
    ACTIVE,
    /** Handing its range over before leaving; still serves requests. */
    DRAINING,
    /** Gone from the overlay; answers nothing but status. */
    LEFT
}
