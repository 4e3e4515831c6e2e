package org.sipring.peer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.Durability;
import org.sipring.peer.storage.StorageService;

/**
 * The cost of durability without the overlay (after one unreported write-no-sync pass that warms the JIT up): one {@link StorageService} on a JE store (64 MiB
 * cache) per durability mode, storing single values as a responsible peer does. First K keys are
 * stored (256 in flight), then updates of random keys: one at a time (each waits for its commit:
 * the commit latency of the mode) and then 256 in flight for a fixed time (the storage thread
 * batches what is queued into one transaction: group-commit throughput).
 *
 * <pre>CommitBench [durabilities keys sequentialOps concurrentSeconds valueBytes]</pre>
 */
public final class CommitBench {

    public static void main(String[] args) throws Exception {
        StorageRing.quietLogs();
        List<String> modes = List.of((args.length > 0 ? args[0] : "write-no-sync,sync,no-sync").split(","));
        int keys = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int sequential = args.length > 2 ? Integer.parseInt(args[2]) : 5_000;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int valueBytes = args.length > 4 ? Integer.parseInt(args[4]) : 128;
        byte[] value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        List<String> passes = new java.util.ArrayList<>();
        passes.add("warm-up");
        passes.addAll(modes);
        for (String mode : passes) {
            Durability d = switch (mode) {
                case "sync" -> Durability.SYNC;
                case "no-sync" -> Durability.NO_SYNC;
                default -> Durability.WRITE_NO_SYNC;
            };
            Path root = Files.createTempDirectory("sipring-commit-bench");
            StorageService s = StorageRing.openStorage(root.resolve("store"), d, 64L << 20, "storage");
            try {
                Semaphore inFlight = new Semaphore(256);
                AtomicLong failed = new AtomicLong();
                long f0 = System.nanoTime();
                for (long k = 0; k < keys; k++) {
                    inFlight.acquire();
                    s.store(key(k), 0, List.of(stored(value, k))).whenComplete((r, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                        inFlight.release();
                    });
                }
                inFlight.acquire(256);
                inFlight.release(256);
                double fill = (System.nanoTime() - f0) / 1e9;

                long[] lat = new long[sequential];
                long s0 = System.nanoTime();
                for (int i = 0; i < sequential; i++) {
                    long t = System.nanoTime();
                    s.store(key(ThreadLocalRandom.current().nextLong(keys)), 0, List.of(stored(value, i)))
                        .get(10, TimeUnit.SECONDS);
                    lat[i] = System.nanoTime() - t;
                }
                double seq = (System.nanoTime() - s0) / 1e9;
                Arrays.sort(lat);

                AtomicLong done = new AtomicLong();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                long c0 = System.nanoTime();
                while (System.nanoTime() < end) {
                    inFlight.acquire();
                    s.store(key(ThreadLocalRandom.current().nextLong(keys)), 0, List.of(stored(value, c0)))
                        .whenComplete((r, e) -> {
                            if (e != null) {
                                failed.incrementAndGet();
                            } else {
                                done.incrementAndGet();
                            }
                            inFlight.release();
                        });
                }
                inFlight.acquire(256);
                inFlight.release(256);
                double conc = (System.nanoTime() - c0) / 1e9;
                System.out.printf(Locale.ROOT, (mode.equals("warm-up") ? "(JIT warm-up, write-no-sync)" : "RESULT")
                        + " commit durability=%s value=%dB | %d inserts, 256 in flight: %.0f/s"
                        + " | one at a time: %.0f stores/s, latency p50 %.3f ms p99 %.3f ms max %.1f ms"
                        + " | 256 in flight: %.0f stores/s | failed %d%n", mode, valueBytes, keys, keys / fill,
                    sequential / seq, StorageRing.percentileMs(lat, 0.5), StorageRing.percentileMs(lat, 0.99),
                    StorageRing.percentileMs(lat, 1.0), done.get() / conc, failed.get());
            } finally {
                s.close();
                StorageRing.deleteTree(root);
            }
        }
        System.exit(0);
    }

    private static SlotKey key(long k) {
        return new SlotKey(ResourceId.ofName(StorageThroughputBench.name(k)), StorageRing.SINGLE.id());
    }

    private static StoredValue stored(byte[] value, long stamp) {
        return StorageThroughputBench.stored(value, stamp);
    }

    private CommitBench() {
    }
}
