package org.sipring.peer.admin;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.PeerSnapshot;

/** Reads the overlay's snapshot with a bound on the wait, for request threads and health checks. */
final class Snapshots {

    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private Snapshots() {
    }

    static PeerSnapshot take(Overlay overlay) {
        try {
            CompletableFuture<PeerSnapshot> f = overlay.snapshot();
            if (f == null) {
                throw new OverlayUnavailableException("the overlay is not running");
            }
            return f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new OverlayUnavailableException("the overlay did not answer within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new OverlayUnavailableException("the overlay's state cannot be read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OverlayUnavailableException("interrupted");
        }
    }
}
