package org.sipring.peer.app.config;

import java.time.Duration;
import java.util.List;
import org.sipring.peer.overlay.PeerAddress;

/**
 * How the peer enters and leaves the overlay.
 *
 * @param bootstrap    peers to join through; empty founds a new overlay
 * @param retryInitial pause after the first failed join; doubles after each further failure
 * @param retryMax     longest pause between join attempts
 * @param leaveTimeout how long shutdown waits for a graceful leave
 */
public record JoinPolicy(List<PeerAddress> bootstrap, Duration retryInitial, Duration retryMax,
                         Duration leaveTimeout) {

    public JoinPolicy {
        bootstrap = List.copyOf(bootstrap);
        if (retryInitial.isNegative() || retryInitial.isZero() || retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("join retry pauses must be > 0 and max >= initial");
        }
    }

    public boolean foundsOverlay() {
        return bootstrap.isEmpty();
    }
}
