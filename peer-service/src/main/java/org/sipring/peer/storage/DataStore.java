package org.sipring.peer.storage;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;

/**
 * The disk under the storage layer: slots keyed by {@link SlotKey}, kept in key order so that a
 * range of Resource-IDs is an ordered scan, with an index by purge time. Implementations are used
 * from one storage thread at a time and need not be thread-safe; every call may block on disk.
 * Failures are {@link StorageFailure}s.
 */
public interface DataStore extends AutoCloseable {

    Optional<Slot> read(SlotKey key);

    /**
     * Writes the given slots (each replacing the whole stored slot) and removes the given keys, in
     * one transaction committed with the store's configured durability: either all of it is
     * stored or none of it. Removals apply before writes, so a key in both ends up written.
     */
    void commit(Collection<Slot> writes, Collection<SlotKey> removals);

    /**
     * Slots whose Resource-ID lies in the range, in ring order from the range's start: when the
     * range wraps around zero, first the keys above its start, then those from zero up to its
     * end. Starts strictly after {@code after} (in that same order) when it is not null, and
     * returns at most {@code limit} slots.
     */
    List<Slot> scan(IdInterval range, SlotKey after, int limit);

    /** Keys of slots whose {@link Slot#purgeAt()} is at or before time, earliest first, at most limit. */
    List<SlotKey> duePurge(long time, int limit);

    /**
     * Records that the store is in service at a time, durably with the store's durability, so a
     * restart can tell how long it was out of service.
     */
    void markAlive(long time);

    /** The last time {@link #markAlive} recorded; empty for a store that never recorded one. */
    OptionalLong aliveAt();

    /** Slots and bytes held, for metrics and the REST API. */
    DataStoreStats stats();

    @Override
    void close();

    record DataStoreStats(long slots, long elements, long bytesOnDisk) {
    }

    /** The disk or the database failed; the operation changed nothing. */
    final class StorageFailure extends RuntimeException {
        public StorageFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
