package org.sipring.peer.overlay.topology.chord;

import java.time.Duration;
import java.util.Optional;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;

/**
 * Everything the chord-reload state machine is told at construction. Validated once here; the
 * composition root builds it from Spring properties.
 *
 * @param overlayName          the overlay instance name; its SHA-1 gives the forwarding header's overlay field
 * @param self                 the address this peer's overlay link listens on (advertised to others)
 * @param nodeId               a fixed Node-ID (persisted or configured); empty lets the peer pick one at join
 * @param initialTtl           initial-ttl (RFC 6940 §11.1, default 100)
 * @param reliabilityTimer     overlay-reliability-timer (§6.2.1, default 3 s)
 * @param maxTransmissions     transmissions of one request before it fails (§6.2.1: 5)
 * @param neighbors            predecessors and successors kept on each side (>= 3)
 * @param fingers              finger table size (§10.7.4.3: 16 or more, up to 128)
 * @param stabilizeInterval    how often neighbours are pinged and Updates exchanged
 * @param fingerRefreshInterval how often one finger target is re-resolved
 * @param fullMembership       keep a view of every peer so lookups take one hop (chord fingers stay the fallback)
 * @param gossipInterval       how often the membership view is exchanged with one random peer
 * @param requestLifetime      how long an answer is kept for retransmitted requests (§6.2.1: 15 s)
 * @param maxMessageSize       largest encoded message accepted or sent
 * @param rebalance            with the membership view: move this peer to the middle of the largest
 *                             range when that range exceeds twice the mean (docs/overlay.md)
 */
public record ChordConfig(String overlayName, PeerAddress self, Optional<NodeId> nodeId, int initialTtl,
                          Duration reliabilityTimer, int maxTransmissions, int neighbors, int fingers,
                          Duration stabilizeInterval, Duration fingerRefreshInterval, boolean fullMembership,
                          Duration gossipInterval, Duration requestLifetime, int maxMessageSize,
                          boolean rebalance) {

    public ChordConfig {
        require(overlayName != null && !overlayName.isBlank(), "overlay name must not be empty");
        require(self != null, "listen address is required");
        nodeId = nodeId == null ? Optional.empty() : nodeId;
        require(nodeId.map(id -> !id.isWildcard()).orElse(true), "the wildcard Node-ID cannot be a peer's id");
        require(initialTtl >= 1 && initialTtl <= 255, "initial TTL must be 1..255, got " + initialTtl);
        require(reliabilityTimer.toMillis() >= 200, "reliability timer must be >= 200 ms (RFC 6940 §11.1)");
        require(maxTransmissions >= 1 && maxTransmissions <= 5, "transmissions must be 1..5 (RFC 6940 §6.2.1)");
        require(neighbors >= 3 && neighbors <= 32, "neighbor table needs 3..32 entries per side, got " + neighbors);
        require(fingers >= 16 && fingers <= 128, "finger table needs 16..128 entries, got " + fingers);
        require(!stabilizeInterval.isNegative() && !stabilizeInterval.isZero(), "stabilize interval must be > 0");
        require(!fingerRefreshInterval.isNegative() && !fingerRefreshInterval.isZero(),
            "finger refresh interval must be > 0");
        require(!gossipInterval.isNegative() && !gossipInterval.isZero(), "gossip interval must be > 0");
        require(requestLifetime.toMillis() >= reliabilityTimer.toMillis(), "request lifetime must cover one timer");
        require(maxMessageSize >= 5000, "max message size must be >= 5000 bytes (RFC 6940 §11.1 default)");
    }

    /** Defaults from RFC 6940 where it has them, tuned for a cloud overlay elsewhere. */
    public static ChordConfig defaults(String overlayName, PeerAddress self) {
        return new ChordConfig(overlayName, self, Optional.empty(), 100, Duration.ofSeconds(3), 5, 5, 16,
            Duration.ofSeconds(5), Duration.ofSeconds(10), true, Duration.ofSeconds(1), Duration.ofSeconds(15),
            1 << 20, true);
    }

    public ChordConfig withNodeId(NodeId id) {
        return new ChordConfig(overlayName, self, Optional.ofNullable(id), initialTtl, reliabilityTimer,
            maxTransmissions, neighbors, fingers, stabilizeInterval, fingerRefreshInterval, fullMembership,
            gossipInterval, requestLifetime, maxMessageSize, rebalance);
    }

    public ChordConfig withTimers(Duration reliability, Duration stabilize, Duration fingerRefresh, Duration gossip) {
        return new ChordConfig(overlayName, self, nodeId, initialTtl, reliability, maxTransmissions, neighbors,
            fingers, stabilize, fingerRefresh, fullMembership, gossip, requestLifetime, maxMessageSize, rebalance);
    }

    public ChordConfig withFullMembership(boolean enabled) {
        return new ChordConfig(overlayName, self, nodeId, initialTtl, reliabilityTimer, maxTransmissions,
            neighbors, fingers, stabilizeInterval, fingerRefreshInterval, enabled, gossipInterval, requestLifetime,
            maxMessageSize, rebalance);
    }

    public ChordConfig withRebalance(boolean enabled) {
        return new ChordConfig(overlayName, self, nodeId, initialTtl, reliabilityTimer, maxTransmissions,
            neighbors, fingers, stabilizeInterval, fingerRefreshInterval, fullMembership, gossipInterval,
            requestLifetime, maxMessageSize, enabled);
    }

    /** Time after which an unanswered request has failed: one timer per transmission. */
    public Duration requestFailureTime() {
        return reliabilityTimer.multipliedBy(maxTransmissions);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
