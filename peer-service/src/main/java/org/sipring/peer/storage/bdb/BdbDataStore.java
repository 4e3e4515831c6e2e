package org.sipring.peer.storage.bdb;

import com.sleepycat.je.Cursor;
import com.sleepycat.je.CursorConfig;
import com.sleepycat.je.Database;
import com.sleepycat.je.DatabaseConfig;
import com.sleepycat.je.DatabaseEntry;
import com.sleepycat.je.DatabaseException;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.LockMode;
import com.sleepycat.je.OperationStatus;
import com.sleepycat.je.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.storage.DataStore;
import org.sipring.peer.storage.Durability;
import org.sipring.peer.storage.RingScan;

/**
 * The {@link DataStore} on Berkeley DB Java Edition: a transactional environment in one
 * directory holding two B-trees, "slots" (slot key to encoded slot, see {@link Keys} and
 * {@link SlotCodec}) and "purge" (purge time and slot key, no value), both changed in the same
 * transaction. Reads take no locks and hold no transaction between calls: the store has one
 * writer, the calling thread. The slot and element counts live in memory, counted once on open.
 * See docs/storage.md.
 */
public final class BdbDataStore implements DataStore {

    static final String SLOTS_DB = "slots";
    static final String PURGE_DB = "purge";
    /** Facts about the store itself: the last time it was in service. */
    static final String META_DB = "meta";
    private static final byte[] ALIVE_AT = "alive-at".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static final String LOG_FILE_SUFFIX = ".jdb";
    private static final byte[] NO_VALUE = new byte[0];

    private final BdbSettings settings;
    private final Environment environment;
    private final Database slots;
    private final Database purge;
    private final Database meta;
    private final LogFlusher flusher;
    private long slotCount;
    private long elementCount;
    private boolean closed;

    private BdbDataStore(BdbSettings settings, Environment environment, Database slots, Database purge,
                         Database meta) {
        this.settings = settings;
        this.environment = environment;
        this.slots = slots;
        this.purge = purge;
        this.meta = meta;
        countSlots();
        this.flusher = settings.backgroundFlush() ? new LogFlusher(environment, settings.flushInterval()) : null;
    }

    /** Opens the store in {@code settings.dir()}, creating the directory and the databases when missing. */
    public static BdbDataStore open(BdbSettings settings) {
        try {
            Files.createDirectories(settings.dir());
        } catch (IOException e) {
            throw new StorageFailure("cannot create the storage directory " + settings.dir(), e);
        }
        Environment env = null;
        Database slots = null;
        Database purge = null;
        Database meta = null;
        try {
            env = new Environment(settings.dir().toFile(), environmentConfig(settings));
            DatabaseConfig dbConfig = new DatabaseConfig().setAllowCreate(true).setTransactional(true);
            slots = env.openDatabase(null, SLOTS_DB, dbConfig);
            purge = env.openDatabase(null, PURGE_DB, dbConfig);
            meta = env.openDatabase(null, META_DB, dbConfig);
            return new BdbDataStore(settings, env, slots, purge, meta);
        } catch (DatabaseException | IllegalArgumentException | IllegalStateException | StorageFailure e) {
            RuntimeException alsoFailed = closeAll(meta, slots, purge, env);
            if (alsoFailed != null) {
                e.addSuppressed(alsoFailed);
            }
            throw e instanceof StorageFailure f ? f
                : new StorageFailure("cannot open the store in " + settings.dir() + ": " + e.getMessage(), e);
        }
    }

    private static EnvironmentConfig environmentConfig(BdbSettings settings) {
        EnvironmentConfig config = new EnvironmentConfig().setAllowCreate(true).setTransactional(true);
        config.setCacheSize(settings.cacheBytes());
        config.setDurability(durability(settings.durability()));
        config.setConfigParam(EnvironmentConfig.STATS_COLLECT, "false");
        return config;
    }

    private static com.sleepycat.je.Durability durability(Durability d) {
        return switch (d) {
            case SYNC -> com.sleepycat.je.Durability.COMMIT_SYNC;
            case WRITE_NO_SYNC -> com.sleepycat.je.Durability.COMMIT_WRITE_NO_SYNC;
            case NO_SYNC -> com.sleepycat.je.Durability.COMMIT_NO_SYNC;
        };
    }

    @Override
    public Optional<Slot> read(SlotKey key) {
        checkOpen();
        DatabaseEntry value = new DatabaseEntry();
        try {
            OperationStatus status = slots.get(null, new DatabaseEntry(Keys.slotKey(key)), value,
                LockMode.READ_UNCOMMITTED);
            return status == OperationStatus.SUCCESS ? Optional.of(SlotCodec.decode(key, bytes(value)))
                : Optional.empty();
        } catch (DatabaseException e) {
            throw new StorageFailure("read of slot " + key + " failed", e);
        }
    }

    @Override
    public void commit(Collection<Slot> writes, Collection<SlotKey> removals) {
        checkOpen();
        Counts change = new Counts();
        Transaction txn = null;
        try {
            txn = environment.beginTransaction(null, null);
            for (SlotKey key : removals) {
                remove(txn, key, change);
            }
            for (Slot slot : writes) {
                write(txn, slot, change);
            }
            txn.commit();
            txn = null;
        } catch (DatabaseException e) {
            throw new StorageFailure("commit of " + writes.size() + " writes and " + removals.size()
                + " removals failed; nothing was stored", e);
        } finally {
            if (txn != null) {
                abortQuietly(txn);
            }
        }
        slotCount += change.slots;
        elementCount += change.elements;
    }

    private void remove(Transaction txn, SlotKey key, Counts change) {
        DatabaseEntry k = new DatabaseEntry(Keys.slotKey(key));
        SlotCodec.Header old = stored(txn, k, key);
        if (old == null) {
            return;
        }
        slots.delete(txn, k);
        if (old.purgeAt() != Long.MAX_VALUE) {
            purge.delete(txn, new DatabaseEntry(Keys.purgeKey(old.purgeAt(), key)));
        }
        change.slots--;
        change.elements -= old.elementCount();
    }

    private void write(Transaction txn, Slot slot, Counts change) {
        SlotKey key = slot.key();
        DatabaseEntry k = new DatabaseEntry(Keys.slotKey(key));
        SlotCodec.Header old = stored(txn, k, key);
        slots.put(txn, k, new DatabaseEntry(SlotCodec.encode(slot)));
        boolean samePurgeTime = old != null && old.purgeAt() == slot.purgeAt();
        if (old != null && !samePurgeTime && old.purgeAt() != Long.MAX_VALUE) {
            purge.delete(txn, new DatabaseEntry(Keys.purgeKey(old.purgeAt(), key)));
        }
        if (!samePurgeTime && slot.purgeAt() != Long.MAX_VALUE) {
            purge.put(txn, new DatabaseEntry(Keys.purgeKey(slot.purgeAt(), key)), new DatabaseEntry(NO_VALUE));
        }
        change.slots += old == null ? 1 : 0;
        change.elements += slot.elements().size() - (old == null ? 0 : old.elementCount());
    }

    /** The header of the stored slot, write-locked for the rest of the transaction; null when none. */
    private SlotCodec.Header stored(Transaction txn, DatabaseEntry k, SlotKey key) {
        DatabaseEntry value = new DatabaseEntry();
        if (slots.get(txn, k, value, LockMode.RMW) != OperationStatus.SUCCESS) {
            return null;
        }
        return SlotCodec.header(key, bytes(value));
    }

    @Override
    public List<Slot> scan(IdInterval range, SlotKey after, int limit) {
        checkOpen();
        List<Slot> out = new ArrayList<>(Math.max(0, Math.min(limit, 1024)));
        if (limit <= 0) {
            return out;
        }
        try (Cursor cursor = slots.openCursor(null, CursorConfig.READ_UNCOMMITTED)) {
            for (RingScan.Segment segment : RingScan.segments(range, after)) {
                if (scanSegment(cursor, segment, out, limit)) {
                    break;
                }
            }
        } catch (DatabaseException e) {
            throw new StorageFailure("scan of " + range + " failed", e);
        }
        return out;
    }

    /** Appends the segment's slots to out; true when out reached the limit. */
    private static boolean scanSegment(Cursor cursor, RingScan.Segment segment, List<Slot> out, int limit) {
        DatabaseEntry k = new DatabaseEntry();
        DatabaseEntry v = new DatabaseEntry();
        OperationStatus status;
        if (segment.fromExclusive() == null) {
            status = cursor.getFirst(k, v, null);
        } else {
            byte[] from = Keys.slotKey(segment.fromExclusive());
            k.setData(from);
            status = cursor.getSearchKeyRange(k, v, null);
            if (status == OperationStatus.SUCCESS && Arrays.equals(bytes(k), from)) {
                status = cursor.getNext(k, v, null);
            }
        }
        byte[] to = Keys.slotKey(segment.toInclusive());
        while (status == OperationStatus.SUCCESS) {
            byte[] key = bytes(k);
            if (Keys.compare(key, to) > 0) {
                return false;
            }
            out.add(SlotCodec.decode(Keys.slotKey(key), bytes(v)));
            if (out.size() >= limit) {
                return true;
            }
            status = cursor.getNext(k, v, null);
        }
        return false;
    }

    @Override
    public List<SlotKey> duePurge(long time, int limit) {
        checkOpen();
        List<SlotKey> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        DatabaseEntry k = new DatabaseEntry();
        DatabaseEntry v = new DatabaseEntry();
        v.setPartial(0, 0, true);
        try (Cursor cursor = purge.openCursor(null, CursorConfig.READ_UNCOMMITTED)) {
            OperationStatus status = cursor.getFirst(k, v, null);
            while (status == OperationStatus.SUCCESS && out.size() < limit) {
                byte[] key = bytes(k);
                if (Keys.purgeAt(key) > time) {
                    break;
                }
                out.add(Keys.slotKeyOfPurgeKey(key));
                status = cursor.getNext(k, v, null);
            }
        } catch (DatabaseException e) {
            throw new StorageFailure("read of the purge index failed", e);
        }
        return out;
    }

    /**
     * Slot and element counts from memory; bytes on disk are the sizes of the log files (the
     * environment's own log-size statistic only moves at checkpoints).
     */
    @Override
    public void markAlive(long time) {
        checkOpen();
        byte[] v = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(time).array();
        try {
            meta.put(null, new DatabaseEntry(ALIVE_AT), new DatabaseEntry(v));
        } catch (DatabaseException e) {
            throw new StorageFailure("recording the time in service failed", e);
        }
    }

    @Override
    public OptionalLong aliveAt() {
        checkOpen();
        DatabaseEntry v = new DatabaseEntry();
        try {
            if (meta.get(null, new DatabaseEntry(ALIVE_AT), v, LockMode.READ_UNCOMMITTED) != OperationStatus.SUCCESS
                || v.getSize() != Long.BYTES) {
                return OptionalLong.empty();
            }
        } catch (DatabaseException e) {
            throw new StorageFailure("reading the time in service failed", e);
        }
        return OptionalLong.of(java.nio.ByteBuffer.wrap(bytes(v)).getLong());
    }

    @Override
    public DataStoreStats stats() {
        checkOpen();
        return new DataStoreStats(slotCount, elementCount, logBytes());
    }

    private long logBytes() {
        try (Stream<Path> files = Files.list(settings.dir())) {
            long total = 0;
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().endsWith(LOG_FILE_SUFFIX)) {
                    total += sizeOrZero(f);
                }
            }
            return total;
        } catch (IOException | UncheckedIOException e) {
            throw new StorageFailure("cannot list the storage directory " + settings.dir(), e);
        }
    }

    /** The file's size; zero when the cleaner deleted it since the directory was listed. */
    private static long sizeOrZero(Path f) throws IOException {
        try {
            return Files.size(f);
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Stops the background fsync, then closes the databases and the environment, which checkpoints and fsyncs. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (flusher != null) {
            flusher.close();
        }
        RuntimeException failure = closeAll(meta, slots, purge, environment);
        if (failure != null) {
            throw new StorageFailure("closing the store in " + settings.dir() + " failed", failure);
        }
    }

    private void countSlots() {
        DatabaseEntry k = new DatabaseEntry();
        DatabaseEntry v = new DatabaseEntry();
        try (Cursor cursor = slots.openCursor(null, CursorConfig.READ_UNCOMMITTED)) {
            while (cursor.getNext(k, v, null) == OperationStatus.SUCCESS) {
                slotCount++;
                elementCount += SlotCodec.header(Keys.slotKey(bytes(k)), bytes(v)).elementCount();
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the store in " + settings.dir() + " is closed");
        }
    }

    private static byte[] bytes(DatabaseEntry e) {
        byte[] data = e.getData();
        if (data == null) {
            return new byte[0];
        }
        return e.getOffset() == 0 && e.getSize() == data.length ? data
            : Arrays.copyOfRange(data, e.getOffset(), e.getOffset() + e.getSize());
    }

    private static void abortQuietly(Transaction txn) {
        try {
            txn.abort();
        } catch (DatabaseException | IllegalStateException e) {
            // the environment is already failing; the commit's own exception is the one to report
        }
    }

    /** Closes each handle that is not null, in order, even when one fails; the first failure, or null. */
    private static RuntimeException closeAll(AutoCloseable... handles) {
        RuntimeException first = null;
        for (AutoCloseable h : handles) {
            try {
                if (h != null) {
                    h.close();
                }
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (first == null) {
                    first = r;
                } else {
                    first.addSuppressed(r);
                }
            }
        }
        return first;
    }

    private static final class Counts {
        private long slots;
        private long elements;
    }
}
