package org.sipring.peer.admin;

import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.PeerState;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health component {@code overlay}, part of the readiness group: UP only while the peer is an
 * ACTIVE overlay member, OUT_OF_SERVICE while joining, draining or gone, DOWN if it does not answer.
 */
public final class OverlayHealthIndicator implements HealthIndicator {

    private final Overlay overlay;

    public OverlayHealthIndicator(Overlay overlay) {
        this.overlay = overlay;
    }

    @Override
    public Health health() {
        PeerState state;
        try {
            state = Snapshots.take(overlay).state();
        } catch (OverlayUnavailableException e) {
            return Health.down().withDetail("reason", e.getMessage()).build();
        }
        return (state == PeerState.ACTIVE ? Health.up() : Health.outOfService()).withDetail("state", state).build();
    }
}
