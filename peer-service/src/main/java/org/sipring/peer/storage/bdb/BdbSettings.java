package org.sipring.peer.storage.bdb;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.sipring.peer.storage.Durability;

/**
 * Configuration of a {@link BdbDataStore}.
 *
 * @param dir           the environment directory, created when missing; one store per directory
 * @param durability    what a returned commit survives
 * @param flushInterval with {@link Durability#WRITE_NO_SYNC}, how often a background thread fsyncs
 *                      the log, bounding what a power loss takes back; zero for never (the database
 *                      still fsyncs at its checkpoints and on close). Ignored for the other modes.
 * @param cacheBytes    the database cache (B-tree nodes and records held in the Java heap)
 */
public record BdbSettings(Path dir, Durability durability, Duration flushInterval, long cacheBytes) {

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final long DEFAULT_CACHE_BYTES = 64L << 20;
    public static final long MIN_CACHE_BYTES = 1L << 20;

    public BdbSettings {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(flushInterval, "flushInterval");
        if (flushInterval.isNegative()) {
            throw new IllegalArgumentException("flushInterval must not be negative: " + flushInterval);
        }
        if (cacheBytes < MIN_CACHE_BYTES) {
            throw new IllegalArgumentException("cacheBytes must be at least " + MIN_CACHE_BYTES + ": " + cacheBytes);
        }
    }

    /** WRITE_NO_SYNC, a background fsync every second and a 64 MiB cache. */
    public static BdbSettings defaults(Path dir) {
        return new BdbSettings(dir, Durability.WRITE_NO_SYNC, DEFAULT_FLUSH_INTERVAL, DEFAULT_CACHE_BYTES);
    }

    public BdbSettings withDurability(Durability d) {
        return new BdbSettings(dir, d, flushInterval, cacheBytes);
    }

    public BdbSettings withFlushInterval(Duration interval) {
        return new BdbSettings(dir, durability, interval, cacheBytes);
    }

    public BdbSettings withCacheBytes(long bytes) {
        return new BdbSettings(dir, durability, flushInterval, bytes);
    }

    /** True when the store runs the background log fsync. */
    public boolean backgroundFlush() {
        return durability == Durability.WRITE_NO_SYNC && !flushInterval.isZero();
    }
}
