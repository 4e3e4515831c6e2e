package org.sipring.peer.admin;

import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.DrainProgress;

/** Actions on the running peer that the admin API may trigger. */
public interface PeerControl {

    /**
     * Starts a graceful leave (RFC 6940 §10.9) and stops any join still being retried: the peer
     * drains (hands the data it holds to the peers that take its range over), then leaves.
     * Idempotent: a second call returns the same future.
     */
    CompletableFuture<Void> leave();

    /** How far the drain has come ({@link DrainProgress#NONE} before one starts). */
    DrainProgress drainProgress();
}
