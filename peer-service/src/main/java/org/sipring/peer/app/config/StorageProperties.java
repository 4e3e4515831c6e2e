package org.sipring.peer.app.config;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** {@code peer.storage.*}: where the peer keeps its state (its Node-ID, later its data store). */
@Validated
@ConfigurationProperties(prefix = "peer.storage", ignoreUnknownFields = false)
public class StorageProperties {

    /** Data directory; created if missing. */
    @NotNull(message = "is required")
    private Path dir = Path.of("data");

    public Path getDir() {
        return dir;
    }

    public void setDir(Path dir) {
        this.dir = dir;
    }
}
