package org.sipring.peer.app.config;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code peer.storage.*}: where and how the peer keeps its data (its Node-ID and the Berkeley DB JE
 * store). Checked and turned into {@link StorageSettings} by {@link PeerSettingsFactory}.
 */
@Validated
@ConfigurationProperties(prefix = "peer.storage", ignoreUnknownFields = false)
public class StorageProperties {

    /** Data directory; created if missing. */
    @NotNull(message = "is required")
    private Path dir = Path.of("data");

    /** sync, write-no-sync (default: survives a process kill) or no-sync; see docs/storage.md. */
    private String durability = "write-no-sync";

    /** With write-no-sync: how often the log is forced to disk (the power-loss window). */
    private Duration flushInterval = Duration.ofSeconds(1);

    /** Berkeley DB JE cache. */
    private DataSize cacheSize = DataSize.ofMegabytes(64);

    /** How long a deletion marker is kept, at least: the anti-entropy and partition horizon. */
    private Duration tombstoneRetention = Duration.ofHours(24);

    /** Operations waiting for the storage thread before new ones are refused as overload. */
    private int queueCapacity = 10_000;

    /** Operations committed in one transaction at most (group commit). */
    private int maxBatch = 256;

    /** Values one resource may hold per kind (array and dictionary kinds). */
    private int maxValues = 1000;

    /** Bytes one value may have. */
    private DataSize maxValueSize = DataSize.ofKilobytes(64);

    /** How often a peer compares its range with its replicas and repairs differences (anti-entropy). */
    private Duration repairInterval = Duration.ofSeconds(30);

    /**
     * How long after a membership change before missing copies are recreated (RFC 6940 §10.7.3
     * suggests 30 s): a peer that only blinked keeps its copies.
     */
    private Duration repairGrace = Duration.ofSeconds(30);

    /**
     * Slots per second a range move or repair sends at most (one batch in flight, then a pause),
     * so that foreground requests keep their latency; 0 for no limit.
     */
    private int migrationRate = 20_000;

    public int getMigrationRate() {
        return migrationRate;
    }

    public void setMigrationRate(int migrationRate) {
        this.migrationRate = migrationRate;
    }

    public Duration getRepairInterval() {
        return repairInterval;
    }

    public void setRepairInterval(Duration repairInterval) {
        this.repairInterval = repairInterval;
    }

    public Duration getRepairGrace() {
        return repairGrace;
    }

    public void setRepairGrace(Duration repairGrace) {
        this.repairGrace = repairGrace;
    }

    public Path getDir() {
        return dir;
    }

    public void setDir(Path dir) {
        this.dir = dir;
    }

    public String getDurability() {
        return durability;
    }

    public void setDurability(String durability) {
        this.durability = durability;
    }

    public Duration getFlushInterval() {
        return flushInterval;
    }

    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    public DataSize getCacheSize() {
        return cacheSize;
    }

    public void setCacheSize(DataSize cacheSize) {
        this.cacheSize = cacheSize;
    }

    public Duration getTombstoneRetention() {
        return tombstoneRetention;
    }

    public void setTombstoneRetention(Duration tombstoneRetention) {
        this.tombstoneRetention = tombstoneRetention;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public int getMaxBatch() {
        return maxBatch;
    }

    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    public int getMaxValues() {
        return maxValues;
    }

    public void setMaxValues(int maxValues) {
        this.maxValues = maxValues;
    }

    public DataSize getMaxValueSize() {
        return maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
        this.maxValueSize = maxValueSize;
    }
}
