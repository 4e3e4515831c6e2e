package org.sipring.peer.app.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code peer.overlay.*}: where this peer listens, whom it joins through and how the chord-reload
 * machinery is tuned. Unset tuning values take the defaults of
 * {@link org.sipring.peer.overlay.topology.chord.ChordConfig#defaults}.
 */
@Validated
@ConfigurationProperties(prefix = "peer.overlay", ignoreUnknownFields = false)
public class OverlayProperties {

    /** host:port the overlay link listens on and advertises to other peers. */
    @NotBlank(message = "is required (host:port the overlay link listens on)")
    private String listen;

    /** Peers to join through; empty founds a new overlay. */
    private List<String> bootstrap = new ArrayList<>();

    /** Overlay instance name; every peer of one overlay must use the same. */
    @NotBlank(message = "must not be empty")
    private String name = "sipring.local";

    /** A fixed Node-ID (32 hex digits); wins over the one persisted in the data directory. */
    @Pattern(regexp = "|[0-9a-fA-F]{32}", message = "must be 32 hex digits")
    private String nodeId;

    @Valid
    private final Tls tls = new Tls();

    private Duration reliabilityTimer;
    private Duration stabilizeInterval;
    private Duration fingerRefreshInterval;
    private Duration gossipInterval;

    @Min(value = 3, message = "must be at least 3")
    @Max(value = 32, message = "must be at most 32")
    private Integer neighbors;

    @Min(value = 16, message = "must be at least 16")
    @Max(value = 128, message = "must be at most 128")
    private Integer fingers;

    private Boolean fullMembership;

    /** Move this peer to split an oversized range (default true; off when node-id is configured). */
    private Boolean rebalance;

    /** Event-loop threads of the overlay link. */
    @Min(value = 1, message = "must be at least 1")
    @Max(value = 16, message = "must be at most 16")
    private int linkThreads = 2;

    /**
     * Frames written together leave in one flush (fewer system calls and segments); off, each
     * frame is flushed on its own, which Wireshark's RELOAD dissector needs.
     */
    private boolean linkCoalesceWrites = true;

    /** Close a link whose frames stay unacknowledged this long (RFC 6940 §6.6.5). */
    private Duration linkDeadTimeout;

    /** First pause between failed join attempts; doubles up to {@link #joinRetryMax}. */
    private Duration joinRetryInitial = Duration.ofSeconds(1);
    private Duration joinRetryMax = Duration.ofSeconds(30);

    public static class Tls {
        /** TLS on the overlay link; plain TCP only for tests and local experiments. */
        private boolean enabled = true;
        /** PEM certificate chain of this peer. */
        private Path certificate;
        /** PEM PKCS#8 private key of this peer. */
        private Path privateKey;
        /** PEM certificate(s) of the CA that signs peer certificates. */
        private Path ca;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Path getCertificate() {
            return certificate;
        }

        public void setCertificate(Path certificate) {
            this.certificate = certificate;
        }

        public Path getPrivateKey() {
            return privateKey;
        }

        public void setPrivateKey(Path privateKey) {
            this.privateKey = privateKey;
        }

        public Path getCa() {
            return ca;
        }

        public void setCa(Path ca) {
            this.ca = ca;
        }
    }

    public String getListen() {
        return listen;
    }

    public void setListen(String listen) {
        this.listen = listen;
    }

    public List<String> getBootstrap() {
        return bootstrap;
    }

    public void setBootstrap(List<String> bootstrap) {
        this.bootstrap = bootstrap == null ? new ArrayList<>() : bootstrap;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public Tls getTls() {
        return tls;
    }

    public Duration getReliabilityTimer() {
        return reliabilityTimer;
    }

    public void setReliabilityTimer(Duration reliabilityTimer) {
        this.reliabilityTimer = reliabilityTimer;
    }

    public Duration getStabilizeInterval() {
        return stabilizeInterval;
    }

    public void setStabilizeInterval(Duration stabilizeInterval) {
        this.stabilizeInterval = stabilizeInterval;
    }

    public Duration getFingerRefreshInterval() {
        return fingerRefreshInterval;
    }

    public void setFingerRefreshInterval(Duration fingerRefreshInterval) {
        this.fingerRefreshInterval = fingerRefreshInterval;
    }

    public Duration getGossipInterval() {
        return gossipInterval;
    }

    public void setGossipInterval(Duration gossipInterval) {
        this.gossipInterval = gossipInterval;
    }

    public Integer getNeighbors() {
        return neighbors;
    }

    public void setNeighbors(Integer neighbors) {
        this.neighbors = neighbors;
    }

    public Integer getFingers() {
        return fingers;
    }

    public void setFingers(Integer fingers) {
        this.fingers = fingers;
    }

    public Boolean getFullMembership() {
        return fullMembership;
    }

    public void setFullMembership(Boolean fullMembership) {
        this.fullMembership = fullMembership;
    }

    public Boolean getRebalance() {
        return rebalance;
    }

    public void setRebalance(Boolean rebalance) {
        this.rebalance = rebalance;
    }

    public Duration getLinkDeadTimeout() {
        return linkDeadTimeout;
    }

    public void setLinkDeadTimeout(Duration linkDeadTimeout) {
        this.linkDeadTimeout = linkDeadTimeout;
    }

    public boolean isLinkCoalesceWrites() {
        return linkCoalesceWrites;
    }

    public void setLinkCoalesceWrites(boolean linkCoalesceWrites) {
        this.linkCoalesceWrites = linkCoalesceWrites;
    }

    public int getLinkThreads() {
        return linkThreads;
    }

    public void setLinkThreads(int linkThreads) {
        this.linkThreads = linkThreads;
    }

    public Duration getJoinRetryInitial() {
        return joinRetryInitial;
    }

    public void setJoinRetryInitial(Duration joinRetryInitial) {
        this.joinRetryInitial = joinRetryInitial;
    }

    public Duration getJoinRetryMax() {
        return joinRetryMax;
    }

    public void setJoinRetryMax(Duration joinRetryMax) {
        this.joinRetryMax = joinRetryMax;
    }
}
