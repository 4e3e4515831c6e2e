package org.sipring.peer.admin;

import java.util.concurrent.CompletableFuture;

/** Actions on the running peer that the admin API may trigger. */
public interface PeerControl {

    /**
     * Starts a graceful leave (RFC 6940 §10.9) and stops any join still being retried. Idempotent:
     * a second call returns the same future.
     */
    CompletableFuture<Void> leave();
}
