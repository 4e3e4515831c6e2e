package org.sipring.peer.app.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.sipring.peer.overlay.topology.chord.RangeSync;
import org.sipring.peer.storage.Durability;
import org.sipring.peer.storage.StorageService;
import org.sipring.peer.storage.bdb.BdbSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sipring.peer.admin.ApiTokens;
import org.sipring.peer.app.NodeIdStore;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.topology.chord.ChordConfig;

/**
 * Turns the bound properties into {@link PeerSettings}, once. Every problem becomes an
 * {@link InvalidPropertyException} naming the property, so start-up fails with one clear line.
 */
public final class PeerSettingsFactory {

    /** Shortest accepted API token: guessing must not be practical. */
    public static final int MIN_TOKEN_LENGTH = 16;

    private static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);

    private PeerSettingsFactory() {
    }

    public static PeerSettings build(OverlayProperties overlay, StorageProperties storage, ApiProperties api) {
        PeerAddress listen = listenAddress(overlay.getListen());
        List<PeerAddress> bootstrap = bootstrap(overlay.getBootstrap(), listen);
        Path dataDir = dataDir(storage.getDir());
        Optional<NodeId> nodeId = nodeId(overlay.getNodeId(), dataDir);
        ChordConfig chord = chordConfig(overlay, listen, nodeId);
        LinkSettings link = new LinkSettings(chord.overlayName(), listen, overlay.getLinkThreads(), tls(overlay.getTls()),
            chord.maxMessageSize(), positive("peer.overlay.link-dead-timeout", overlay.getLinkDeadTimeout(),
                Duration.ofSeconds(30)), overlay.isLinkCoalesceWrites());
        JoinPolicy join = joinPolicy(overlay, bootstrap);
        return new PeerSettings(chord, link, join, dataDir, tokens(api), storageSettings(storage, dataDir));
    }

    static PeerAddress listenAddress(String text) {
        PeerAddress a = address("peer.overlay.listen", text);
        if (a.ip().isAnyLocalAddress()) {
            throw new InvalidPropertyException("peer.overlay.listen",
                "'" + text.trim() + "' is a wildcard address; give the address other peers reach this one at");
        }
        return a;
    }

    static List<PeerAddress> bootstrap(List<String> entries, PeerAddress self) {
        List<PeerAddress> out = new ArrayList<>();
        for (String e : entries) {
            if (e == null || e.isBlank()) {
                continue;
            }
            PeerAddress a = address("peer.overlay.bootstrap", e);
            if (!a.equals(self) && !out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    private static PeerAddress address(String property, String text) {
        try {
            return PeerAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(property, e.getMessage());
        }
    }

    static Path dataDir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new InvalidPropertyException("peer.storage.dir", "cannot create '" + dir + "': " + e.getMessage());
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new InvalidPropertyException("peer.storage.dir", "'" + dir + "' is not a writable directory");
        }
        return dir;
    }

    /** A configured id wins; else the persisted one; else none, and the overlay picks one at join. */
    static Optional<NodeId> nodeId(String configured, Path dataDir) {
        if (configured != null && !configured.isBlank()) {
            NodeId id = NodeId.fromHex(configured.trim());
            if (id.isWildcard()) {
                throw new InvalidPropertyException("peer.overlay.node-id", "the wildcard id (all f) cannot be a peer's id");
            }
            return Optional.of(id);
        }
        try {
            return new NodeIdStore(dataDir).load();
        } catch (IllegalStateException e) {
            throw new InvalidPropertyException("peer.storage.dir", e.getMessage());
        }
    }

    static ChordConfig chordConfig(OverlayProperties p, PeerAddress listen, Optional<NodeId> nodeId) {
        ChordConfig d = ChordConfig.defaults(p.getName().trim(), listen);
        Duration reliability = positive("peer.overlay.reliability-timer", p.getReliabilityTimer(), d.reliabilityTimer());
        if (reliability.toMillis() < 200) {
            throw new InvalidPropertyException("peer.overlay.reliability-timer",
                reliability.toMillis() + "ms is below the 200ms minimum (RFC 6940 §11.1)");
        }
        Duration stabilize = positive("peer.overlay.stabilize-interval", p.getStabilizeInterval(), d.stabilizeInterval());
        Duration fingers = positive("peer.overlay.finger-refresh-interval", p.getFingerRefreshInterval(),
            d.fingerRefreshInterval());
        Duration gossip = positive("peer.overlay.gossip-interval", p.getGossipInterval(), d.gossipInterval());
        Duration lifetime = d.requestLifetime().compareTo(reliability) >= 0 ? d.requestLifetime() : reliability;
        try {
            return new ChordConfig(d.overlayName(), listen, nodeId, d.initialTtl(), reliability, d.maxTransmissions(),
                p.getNeighbors() == null ? d.neighbors() : p.getNeighbors(),
                p.getFingers() == null ? d.fingers() : p.getFingers(), stabilize, fingers,
                p.getFullMembership() == null ? d.fullMembership() : p.getFullMembership(), gossip, lifetime,
                d.maxMessageSize(), rebalance(p));
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException("peer.overlay", e.getMessage());
        }
    }

    /** A Node-ID the operator configured stays put; a chosen or persisted one may move to rebalance. */
    private static boolean rebalance(OverlayProperties p) {
        boolean pinned = p.getNodeId() != null && !p.getNodeId().isBlank();
        return !pinned && (p.getRebalance() == null || p.getRebalance());
    }

    static StorageSettings storageSettings(StorageProperties p, Path dataDir) {
        Durability durability = switch (p.getDurability() == null ? "" : p.getDurability().trim().toLowerCase()) {
            case "sync" -> Durability.SYNC;
            case "write-no-sync" -> Durability.WRITE_NO_SYNC;
            case "no-sync" -> Durability.NO_SYNC;
            default -> throw new InvalidPropertyException("peer.storage.durability",
                "must be sync, write-no-sync or no-sync, not '" + p.getDurability() + "'");
        };
        Duration flush = p.getFlushInterval() == null ? Duration.ZERO : p.getFlushInterval();
        if (flush.isNegative()) {
            throw new InvalidPropertyException("peer.storage.flush-interval", "must not be negative");
        }
        long cache = p.getCacheSize() == null ? BdbSettings.DEFAULT_CACHE_BYTES : p.getCacheSize().toBytes();
        if (cache < BdbSettings.MIN_CACHE_BYTES) {
            throw new InvalidPropertyException("peer.storage.cache-size", "must be at least 1MB");
        }
        int queue = atLeast("peer.storage.queue-capacity", p.getQueueCapacity(), 1);
        int batch = atLeast("peer.storage.max-batch", p.getMaxBatch(), 1);
        int values = atLeast("peer.storage.max-values", p.getMaxValues(), 1);
        long size = p.getMaxValueSize() == null ? 64 * 1024 : p.getMaxValueSize().toBytes();
        if (size < 1 || size > 16L << 20) {
            throw new InvalidPropertyException("peer.storage.max-value-size", "must be between 1B and 16MB");
        }
        Duration retention = positive("peer.storage.tombstone-retention", p.getTombstoneRetention(),
            Duration.ofHours(24));
        BdbSettings bdb = new BdbSettings(dataDir.resolve("store"), durability, flush, cache);
        StorageService.Settings service = new StorageService.Settings(queue, batch, 1_000, 1_000, 2_000);
        Duration repair = positive("peer.storage.repair-interval", p.getRepairInterval(), Duration.ofSeconds(30));
        Duration grace = positive("peer.storage.repair-grace", p.getRepairGrace(), Duration.ofSeconds(30));
        RangeSync.Settings d = RangeSync.Settings.defaults();
        int rate = atLeast("peer.storage.migration-rate", p.getMigrationRate(), 0);
        long pause = rate == 0 ? 0 : Math.round(d.batchSlots() * 1000.0 / rate);
        RangeSync.Settings sync = new RangeSync.Settings(d.batchSlots(), d.batchBytes(), d.digestBuckets(),
            repair.toMillis(), grace.toMillis(), d.settleMillis(), d.mirrorMillis(), pause, d.maxFailures());
        return new StorageSettings(bdb, service, retention, values, (int) size, sync);
    }

    private static int atLeast(String property, int value, int min) {
        if (value < min) {
            throw new InvalidPropertyException(property, "must be at least " + min);
        }
        return value;
    }

    private static Duration positive(String property, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new InvalidPropertyException(property, "must be a positive duration such as 500ms or 5s");
        }
        return value;
    }

    static Optional<TlsFiles> tls(OverlayProperties.Tls t) {
        if (!t.isEnabled()) {
            return Optional.empty();
        }
        Path cert = pem("peer.overlay.tls.certificate", t.getCertificate(), "CERTIFICATE");
        Path key = pem("peer.overlay.tls.private-key", t.getPrivateKey(), "PRIVATE KEY");
        Path ca = pem("peer.overlay.tls.ca", t.getCa(), "CERTIFICATE");
        return Optional.of(new TlsFiles(cert, key, ca));
    }

    private static Path pem(String property, Path file, String type) {
        if (file == null) {
            throw new InvalidPropertyException(property,
                "is required when peer.overlay.tls.enabled is true (a PEM file)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException | SecurityException e) {
            throw new InvalidPropertyException(property, "cannot read '" + file + "'");
        }
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new InvalidPropertyException(property, "'" + file
                + "' is a PKCS#1/SEC1 key; convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        if (!text.contains("-----BEGIN " + type + "-----")) {
            throw new InvalidPropertyException(property, "'" + file + "' holds no PEM " + type);
        }
        return file;
    }

    static JoinPolicy joinPolicy(OverlayProperties p, List<PeerAddress> bootstrap) {
        Duration initial = positive("peer.overlay.join-retry-initial", p.getJoinRetryInitial(), Duration.ofSeconds(1));
        Duration max = positive("peer.overlay.join-retry-max", p.getJoinRetryMax(), Duration.ofSeconds(30));
        if (max.compareTo(initial) < 0) {
            throw new InvalidPropertyException("peer.overlay.join-retry-max",
                "must not be shorter than peer.overlay.join-retry-initial");
        }
        return new JoinPolicy(bootstrap, initial, max, LEAVE_TIMEOUT);
    }

    static ApiTokens tokens(ApiProperties api) {
        String admin = api.getAdminToken();
        if (admin == null || admin.isBlank()) {
            throw new InvalidPropertyException("peer.api.admin-token", "is required (at least "
                + MIN_TOKEN_LENGTH + " characters; e.g. openssl rand -hex 16)");
        }
        checkToken("peer.api.admin-token", admin);
        Optional<String> read = Optional.ofNullable(api.getReadToken()).filter(t -> !t.isBlank());
        if (read.isPresent()) {
            checkToken("peer.api.read-token", read.get());
            if (read.get().equals(admin)) {
                throw new InvalidPropertyException("peer.api.read-token", "must differ from peer.api.admin-token");
            }
        }
        return new ApiTokens(admin, read);
    }

    private static void checkToken(String property, String token) {
        if (token.length() < MIN_TOKEN_LENGTH) {
            throw new InvalidPropertyException(property, "is too short (at least " + MIN_TOKEN_LENGTH + " characters)");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new InvalidPropertyException(property, "must be printable ASCII without spaces");
        }
    }
}
