package org.sipring.peer.storage.bdb;

import java.nio.file.Path;
import java.time.Duration;
import org.sipring.peer.storage.Durability;

/** Store settings for tests: a small cache, write-no-sync, no background fsync. */
final class TestStores {

    static final long CACHE_BYTES = 4L << 20;

    private TestStores() {
    }

    static BdbSettings small(Path dir) {
        return new BdbSettings(dir, Durability.WRITE_NO_SYNC, Duration.ZERO, CACHE_BYTES);
    }
}
