package org.sipring.peer.storage;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;

/**
 * The {@link LocalStorage} port over a {@link SlotStore}: one storage thread takes work from a
 * bounded queue, runs up to {@code maxBatch} operations against one batch and commits them in one
 * transaction (group commit), then completes their futures. The overlay's driver thread never
 * waits on a disk; a full queue answers at once with {@link OverlayException.Overloaded}. The same
 * thread runs the expiry sweep from the purge index, and records every minute (and at close) that
 * the store is in service.
 *
 * <p>{@link #inline} runs each operation at once on the caller's thread, for the deterministic
 * simulator.
 */
public final class StorageService implements LocalStorage, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StorageService.class.getName());
    /** How often the storage thread records that the store is in service (see {@link Downtime}). */
    static final long ALIVE_MARK_MILLIS = 60_000;

    /**
     * Tunables of the storage thread.
     *
     * @param digestStep slots a digest scans before the work queued meanwhile runs
     */
    public record Settings(int queueCapacity, int maxBatch, long sweepIntervalMillis, int sweepLimit, int digestStep) {
        public static Settings defaults() {
            return new Settings(10_000, 256, 1_000, 1_000, 2_000);
        }
    }

    /** One operation; applied (may be null) hears its result before the batch commits. */
    private record Task(Function<SlotStore, Object> work, Consumer<Object> applied, CompletableFuture<Object> future) {
    }

    private final SlotStore store;
    private final Clock clock;
    private final Settings settings;
    private final BlockingQueue<Task> queue;
    private final Thread thread;
    private volatile boolean running = true;
    private long nextSweep;
    private long nextAliveMark;

    private StorageService(SlotStore store, Clock clock, Settings settings, boolean threaded, String name) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.nextSweep = clock.millis() + settings.sweepIntervalMillis();
        if (threaded) {
            thread = new Thread(this::loop, name);
            thread.setDaemon(true);
            thread.start();
        } else {
            thread = null;
        }
    }

    /** A service with its own storage thread. */
    public static StorageService start(SlotStore store, Clock clock, Settings settings, String threadName) {
        return new StorageService(store, clock, settings, true, threadName);
    }

    /** A service that runs every operation at once on the caller's thread, one commit each. */
    public static StorageService inline(SlotStore store, Clock clock) {
        return new StorageService(store, clock, Settings.defaults(), false, null);
    }

    public DataStore.DataStoreStats stats() {
        return store.stats();
    }

    public int queued() {
        return queue.size();
    }

    // ---------------------------------------------------------------- LocalStorage

    @Override
    public Optional<Kind> kind(long kindId) {
        return store.kinds().get(kindId).map(KindSpec::kind);
    }

    @Override
    public CompletableFuture<SlotChange> store(SlotKey key, long expectedGeneration, List<StoredValue> values,
                                               Consumer<SlotChange> applied) {
        return submit(s -> s.store(key, expectedGeneration, values, clock.millis()), applied);
    }

    @Override
    public CompletableFuture<SlotChange> update(SlotKey key, String procedure, byte[] argument,
                                                Consumer<SlotChange> applied) {
        return submit(s -> s.update(key, procedure, argument, clock.millis()), applied);
    }

    @Override
    public CompletableFuture<Void> storeReplica(SlotKey key, long generation, List<Element> elements) {
        return submit(s -> {
            s.storeReplica(key, generation, elements, clock.millis());
            return null;
        });
    }

    @Override
    public CompletableFuture<Integer> merge(List<Slot> slots) {
        return submit(s -> s.merge(slots, clock.millis()));
    }

    @Override
    public CompletableFuture<Integer> forget(List<Slot> handedOver) {
        return submit(s -> s.forget(handedOver, clock.millis()));
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(SlotKey key) {
        return submit(s -> s.fetch(key, clock.millis()));
    }

    @Override
    public CompletableFuture<List<Slot>> scan(IdInterval range, SlotKey after, int maxSlots, int maxBytes) {
        return submit(s -> s.scan(range, after, maxSlots, maxBytes, clock.millis()));
    }

    /**
     * On the storage thread the digest runs in steps of {@link Settings#digestStep} slots, each
     * queued behind the work that arrived meanwhile, so a digest of a large range delays a
     * REGISTER by one step, not by the whole scan. Slots written between steps are left out of
     * the digest or counted as they were, as writes during a single scan would be: only settled
     * slots are compared.
     */
    @Override
    public CompletableFuture<RangeDigest> digest(IdInterval range, int buckets, long settledBefore) {
        if (thread == null) {
            return submit(s -> s.digest(range, buckets, settledBefore, clock.millis()));
        }
        SlotStore.DigestScan scan = new SlotStore.DigestScan(range, buckets, settledBefore);
        CompletableFuture<RangeDigest> result = new CompletableFuture<>();
        digestOn(scan, result);
        return result;
    }

    private void digestOn(SlotStore.DigestScan scan, CompletableFuture<RangeDigest> result) {
        submit(s -> s.digestStep(scan, settings.digestStep(), clock.millis())).whenComplete((done, failed) -> {
            if (failed != null) {
                result.completeExceptionally(failed);
            } else if (done) {
                result.complete(scan.result());
            } else {
                digestOn(scan, result);
            }
        });
    }

    // ---------------------------------------------------------------- the storage thread

    private <T> CompletableFuture<T> submit(Function<SlotStore, T> work) {
        return submit(work, null);
    }

    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> submit(Function<SlotStore, T> work, Consumer<T> applied) {
        CompletableFuture<Object> f = new CompletableFuture<>();
        Task t = new Task((Function<SlotStore, Object>) work, (Consumer<Object>) applied, f);
        if (thread == null) {
            runBatch(List.of(t));
        } else if (!running) {
            f.completeExceptionally(new OverlayException.Overloaded("storage is closed"));
        } else if (!queue.offer(t)) {
            f.completeExceptionally(new OverlayException.Overloaded("storage queue full ("
                + settings.queueCapacity() + ")"));
        } else if (!running && queue.remove(t)) {
            // closed while this task was being queued: the thread may already have drained the queue
            f.completeExceptionally(new OverlayException.Overloaded("storage is closed"));
        }
        return (CompletableFuture<T>) f;
    }

    private void loop() {
        List<Task> batch = new ArrayList<>(settings.maxBatch());
        while (running) {
            try {
                Task first = queue.poll(settings.sweepIntervalMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, settings.maxBatch() - 1);
                    try {
                        runBatch(batch);
                    } catch (RuntimeException e) {
                        for (Task t : batch) {
                            t.future().completeExceptionally(e);
                        }
                        throw e;
                    } finally {
                        batch.clear();
                    }
                }
                sweepIfDue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "storage thread: {0}", e.toString());
            }
        }
        for (Task t = queue.poll(); t != null; t = queue.poll()) {
            t.future().completeExceptionally(new OverlayException.Overloaded("storage is closed"));
        }
    }

    private void runBatch(List<Task> batch) {
        Object[] results = new Object[batch.size()];
        RuntimeException[] refusals = new RuntimeException[batch.size()];
        int uncommittedFrom = 0;
        for (int i = 0; i < batch.size(); i++) {
            boolean pending = store.hasPendingWrites();
            try {
                results[i] = batch.get(i).work().apply(store);
                tellApplied(batch.get(i), results[i]);
            } catch (StoreRefused e) {
                refusals[i] = new OverlayException.RemoteError(e.errorCode(), e.getMessage());
            } catch (DataStore.StorageFailure e) {
                refusals[i] = new OverlayException.Overloaded("storage failure: " + e.getMessage());
                if (pending && !store.hasPendingWrites()) {
                    // a commit inside this operation (a scan, a digest) failed and dropped the earlier writes
                    for (int j = uncommittedFrom; j < i; j++) {
                        if (refusals[j] == null) {
                            refusals[j] = new OverlayException.Overloaded("storage failure: " + e.getMessage());
                        }
                    }
                }
            } catch (RuntimeException e) {
                // an operation failing unexpectedly (a procedure rejecting its argument, a malformed
                // replica) fails its own future only
                refusals[i] = e;
            }
            if (!store.hasPendingWrites()) {
                uncommittedFrom = i + 1;
            }
        }
        try {
            store.commit();
        } catch (DataStore.StorageFailure e) {
            LOG.log(Level.ERROR, "commit of {0} operations failed: {1}", batch.size(), e.getMessage());
            for (Task t : batch) {
                t.future().completeExceptionally(new OverlayException.Overloaded("storage failure: " + e.getMessage()));
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (refusals[i] != null) {
                batch.get(i).future().completeExceptionally(refusals[i]);
            } else {
                batch.get(i).future().complete(results[i]);
            }
        }
    }

    private static void tellApplied(Task t, Object result) {
        if (t.applied() == null) {
            return;
        }
        try {
            t.applied().accept(result);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "listener of an applied change failed: {0}", e.toString());
        }
    }

    private void sweepIfDue() {
        long now = clock.millis();
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + settings.sweepIntervalMillis();
        try {
            if (now >= nextAliveMark) {
                nextAliveMark = now + ALIVE_MARK_MILLIS;
                store.markAlive(now);
            }
            int n = store.sweep(now, settings.sweepLimit());
            store.commit();
            if (n > 0) {
                LOG.log(Level.DEBUG, "purged {0} slots", n);
            }
        } catch (DataStore.StorageFailure e) {
            LOG.log(Level.ERROR, "expiry sweep failed: {0}", e.getMessage());
        }
    }

    /** Runs the sweep now on the caller's thread (inline services and tests). */
    public int sweepNow() {
        if (thread != null) {
            throw new IllegalStateException("the storage thread sweeps a threaded service");
        }
        int n = store.sweep(clock.millis(), settings.sweepLimit());
        store.commit();
        return n;
    }

    /** Stops the storage thread after the batch it is running, fails what is queued, closes the disk. */
    @Override
    public void close() {
        running = false;
        if (thread != null) {
            // wakes the thread if it waits for work; a full queue means it is busy and sees the flag soon
            queue.offer(new Task(s -> null, null, new CompletableFuture<>()));
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            store.markAlive(clock.millis());
        } catch (DataStore.StorageFailure e) {
            LOG.log(Level.WARNING, "could not record the time in service at close: {0}", e.getMessage());
        }
        store.close();
    }
}
