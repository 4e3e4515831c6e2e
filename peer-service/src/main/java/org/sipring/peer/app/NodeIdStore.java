package org.sipring.peer.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.sipring.peer.overlay.id.NodeId;

/**
 * The peer's Node-ID on disk: {@code <data dir>/node-id}, 32 hex digits and a newline. Written
 * after a successful join, read at the next start so a restarted peer comes back under the same
 * id. Writes go to a temporary file first and are moved into place, so a crash leaves the old id
 * or the new one, never half of one.
 */
public final class NodeIdStore {

    public static final String FILE_NAME = "node-id";

    private final Path file;

    public NodeIdStore(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    public Path file() {
        return file;
    }

    /**
     * The persisted id, if any.
     *
     * @throws IllegalStateException if the file exists but does not hold a Node-ID
     */
    public Optional<NodeId> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new IllegalStateException(file + " cannot be read: " + e.getMessage());
        }
        if (!text.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalStateException(file + " does not hold a Node-ID (32 hex digits)");
        }
        return Optional.of(NodeId.fromHex(text));
    }

    /**
     * Writes the id. Safe against concurrent saves (the join and the Node-ID listener both save):
     * each writes its own temporary file and the last move wins.
     */
    public void save(NodeId id) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), FILE_NAME + ".", ".tmp");
            Files.writeString(tmp, id.toHex() + "\n", StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
