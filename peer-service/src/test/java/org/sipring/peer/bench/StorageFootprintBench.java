package org.sipring.peer.bench;

import com.sleepycat.je.CheckpointConfig;
import com.sleepycat.je.Environment;
import com.sleepycat.je.EnvironmentConfig;
import com.sleepycat.je.EnvironmentStats;
import com.sleepycat.je.StatsConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.DataStore;
import org.sipring.peer.storage.Durability;
import org.sipring.peer.storage.StorageService;
import org.sipring.peer.storage.bdb.BdbDataStore;

/**
 * Bytes on disk and on the heap per stored value: one {@link BdbDataStore} behind a
 * {@link StorageService} (default durability, the given JE cache), N single values stored as a
 * responsible peer stores them ({@code StorageService.store}: one slot, one element, 24 h
 * lifetime, so one purge-index entry each), at most 2,000 operations in flight.
 *
 * <p>Disk: the summed size of the {@code .jdb} log files (a) right after the load, (b) after the
 * store is closed (close checkpoints), (c) after reopening the environment and running JE's cleaner
 * to completion and a forced checkpoint. Heap: used heap after a full GC with the store open and
 * loaded, minus the same before it was opened; JE's own cache statistics alongside, since the JE
 * cache is bounded (the part of the B-trees not cached is read from the log files on demand).
 *
 * <pre>StorageFootprintBench [values valueBytes cacheMB]</pre>
 */
public final class StorageFootprintBench {

    public static void main(String[] args) throws Exception {
        StorageRing.quietLogs();
        int values = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        long cacheBytes = (args.length > 2 ? Long.parseLong(args[2]) : 64) << 20;
        Path dir = Files.createTempDirectory("sipring-footprint-bench").resolve("store");
        try {
            long baseline = usedHeapAfterGc();
            StorageService storage = StorageRing.openStorage(dir, Durability.WRITE_NO_SYNC, cacheBytes, "storage");
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) 'v');
            Semaphore inFlight = new Semaphore(2_000);
            AtomicLong failed = new AtomicLong();
            long t0 = System.nanoTime();
            for (long k = 0; k < values; k++) {
                inFlight.acquire();
                SlotKey key = new SlotKey(ResourceId.ofName(StorageThroughputBench.name(k)), StorageRing.SINGLE.id());
                StoredValue v = new StoredValue(0, 86_400, 0, new byte[0], true,
                    StorageThroughputBench.stored(value, k).value());
                storage.store(key, 0, List.of(v)).whenComplete((r, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
            }
            inFlight.acquire(2_000);
            inFlight.release(2_000);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            DataStore.DataStoreStats stats = storage.stats();
            long logAfterLoad = StorageRing.dirBytes(dir, ".jdb");

            long used = usedHeapAfterGc();
            Environment env = StorageRing.environmentOf(storage);
            EnvironmentStats es = env.getStats(new StatsConfig().setFast(false));
            System.out.printf(Locale.ROOT, "RESULT footprint-load values=%d value=%dB cache=%dMB | stored in %.1f s:"
                    + " %.0f stores/s | failed %d | slots %d elements %d%n", values, valueBytes, cacheBytes >> 20,
                loadSeconds, values / loadSeconds, failed.get(), stats.slots(), stats.elements());
            System.out.printf(Locale.ROOT, "RESULT footprint-heap values=%d cache=%dMB | used heap after GC %.1f MB,"
                    + " baseline %.1f MB: %.1f B/value | JE cache in use %.1f MB (data %.1f MB, admin %.1f MB,"
                    + " lock %.1f MB), %d BINs and %d UINs cached, %d LNs evicted / %d nodes evicted%n",
                values, cacheBytes >> 20, used / 1e6, baseline / 1e6, (double) (used - baseline) / values,
                es.getCacheTotalBytes() / 1e6, es.getDataBytes() / 1e6, es.getAdminBytes() / 1e6,
                es.getLockBytes() / 1e6, es.getNCachedBINs(), es.getNCachedUpperINs(), es.getNLNsEvicted(),
                es.getNNodesEvicted());

            storage.close();
            long logAfterClose = StorageRing.dirBytes(dir, ".jdb");

            // reopen the environment by itself: JE's cleaner at its default threshold (it cleans files
            // below 50 % utilization), then at 90 % to show how far the log compacts
            String[] passes = {"50", "90"};
            StringBuilder line = new StringBuilder();
            for (String minUtilization : passes) {
                EnvironmentConfig cfg = new EnvironmentConfig().setTransactional(true);
                cfg.setCacheSize(cacheBytes);
                cfg.setConfigParam(EnvironmentConfig.CLEANER_MIN_UTILIZATION, minUtilization);
                long c0 = System.nanoTime();
                int cleaned = 0;
                int utilization;
                try (Environment raw = new Environment(dir.toFile(), cfg)) {
                    for (int round = 0; round < 3; round++) {
                        int n;
                        while ((n = raw.cleanLog()) > 0) {
                            cleaned += n;
                        }
                        raw.checkpoint(new CheckpointConfig().setForce(true));
                    }
                    utilization = raw.getStats(new StatsConfig()).getCurrentMinUtilization();
                }
                long bytes = StorageRing.dirBytes(dir, ".jdb");
                line.append(String.format(Locale.ROOT, " | cleaner at %s%%: %d files cleaned in %.1f s, %.1f MB"
                        + " (%.1f B/value), utilization %d%%", minUtilization, cleaned, (System.nanoTime() - c0) / 1e9,
                    bytes / 1e6, (double) bytes / values, utilization));
            }
            System.out.printf(Locale.ROOT, "RESULT footprint-disk values=%d value=%dB | log files after the load"
                    + " %.1f MB (%.1f B/value), after close (checkpoint) %.1f MB (%.1f B/value)%s | payload %d B/value%n",
                values, valueBytes, logAfterLoad / 1e6, (double) logAfterLoad / values, logAfterClose / 1e6,
                (double) logAfterClose / values, line, valueBytes + 16 + 4);
        } finally {
            if (Boolean.getBoolean("bench.keep")) {
                System.out.println("kept " + dir);
            } else {
                StorageRing.deleteTree(dir.getParent());
            }
        }
        System.exit(0);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private StorageFootprintBench() {
    }
}
