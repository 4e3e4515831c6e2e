package org.sipring.peer.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.topology.chord.ChordOverlay;
import org.sipring.peer.storage.Durability;

/**
 * Store and fetch throughput and latency through a loopback overlay of three in-JVM peers with
 * Berkeley DB JE stores ({@link StorageRing}). C clients run a closed loop: each issues one
 * {@code Overlay.store} (or {@code fetch}) of a single-value kind, waits for the completed future
 * and issues the next, through peer (client mod 3). A store is acknowledged after the responsible
 * peer's commit and both replicas' commits (three copies).
 *
 * <p>Phases: fill (every one of K keys stored once, C in flight: the insert rate), then store
 * (random existing keys, so updates: a registrar's refreshes), then fetch (random existing keys);
 * each of the last two runs a warm-up and then a measured window. Latency is from the call to the
 * completed future, for the operations that started and ended inside the window.
 *
 * <pre>StorageThroughputBench durability clients [keys warmupSeconds measureSeconds valueBytes ipBase port ops]</pre>
 * durability: write-no-sync | sync | no-sync; ops: store,fetch (default) or store.
 */
public final class StorageThroughputBench {

    private record Window(long start, long end) {
        boolean covers(long s, long e) {
            return s >= start && e <= end;
        }
    }

    /** One closed-loop client: its own latency list, touched only by its own (sequential) operations. */
    private static final class Client {
        long[] lat = new long[4096];
        int n;
        long failures;

        void add(long v) {
            if (n == lat.length) {
                lat = Arrays.copyOf(lat, n * 2);
            }
            lat[n++] = v;
        }
    }

    public static void main(String[] args) throws Exception {
        StorageRing.quietLogs();
        Durability durability = switch (args.length > 0 ? args[0] : "write-no-sync") {
            case "sync" -> Durability.SYNC;
            case "no-sync" -> Durability.NO_SYNC;
            default -> Durability.WRITE_NO_SYNC;
        };
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        int measure = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        int valueBytes = args.length > 5 ? Integer.parseInt(args[5]) : 128;
        int ipBase = args.length > 6 ? Integer.parseInt(args[6]) : 41;
        int port = args.length > 7 ? Integer.parseInt(args[7]) : 16084;
        List<String> ops = List.of((args.length > 8 ? args[8] : "store,fetch").split(","));
        String label = durability.name().toLowerCase(Locale.ROOT).replace('_', '-');

        try (StorageRing ring = StorageRing.start(3, ipBase, port, durability)) {
            List<ChordOverlay> overlays = ring.peers.stream().map(StorageRing.Peer::overlay).toList();
            byte[] value = new byte[valueBytes];
            Arrays.fill(value, (byte) 'v');

            // fill: every key once
            AtomicLong next = new AtomicLong();
            AtomicLong fillFailures = new AtomicLong();
            long f0 = System.nanoTime();
            runUntil(clients, c -> {
                long k = next.getAndIncrement();
                if (k >= keys) {
                    return null;
                }
                return overlays.get(c % 3).store(name(k), StorageRing.SINGLE, List.of(stored(value, k)))
                    .handle((r, e) -> {
                        if (e != null) {
                            fillFailures.incrementAndGet();
                        }
                        return null;
                    });
            }, Long.MAX_VALUE);
            double fillSeconds = (System.nanoTime() - f0) / 1e9;
            System.out.printf(Locale.ROOT, "RESULT storage-fill durability=%s clients=%d | %d keys stored in %.1f s:"
                    + " %.0f inserts/s | failed %d | value %d B%n", label, clients, keys, fillSeconds,
                keys / fillSeconds, fillFailures.get(), valueBytes);

            for (String op : ops) {
                boolean store = op.equals("store");
                Client[] state = new Client[clients];
                for (int c = 0; c < clients; c++) {
                    state[c] = new Client();
                }
                long start = System.nanoTime();
                Window w = new Window(start + TimeUnit.SECONDS.toNanos(warmup),
                    start + TimeUnit.SECONDS.toNanos(warmup + measure));
                AtomicLong counter = new AtomicLong();
                long[] gc0 = new long[2];
                long[] commits0 = new long[1];
                Thread marker = new Thread(() -> {
                    try {
                        Thread.sleep(Math.max(0, (w.start() - System.nanoTime()) / 1_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    long[] g = StorageRing.gcSoFar();
                    gc0[0] = g[0];
                    gc0[1] = g[1];
                    commits0[0] = ring.commitsSoFar();
                });
                marker.start();
                runUntil(clients, c -> {
                    long k = ThreadLocalRandom.current().nextLong(keys);
                    long s = System.nanoTime();
                    CompletableFuture<?> f = store
                        ? overlays.get(c % 3).store(name(k), StorageRing.SINGLE, List.of(stored(value, counter.incrementAndGet())))
                        : overlays.get(c % 3).fetch(name(k), StorageRing.SINGLE);
                    return f.handle((r, e) -> {
                        long end = System.nanoTime();
                        if (w.covers(s, end)) {
                            if (e != null) {
                                state[c].failures++;
                            } else {
                                state[c].add(end - s);
                            }
                        }
                        return null;
                    });
                }, w.end());
                marker.join();
                long[] gc1 = StorageRing.gcSoFar();
                long commits = ring.commitsSoFar() - commits0[0];
                int total = 0;
                long failures = 0;
                for (Client c : state) {
                    total += c.n;
                    failures += c.failures;
                }
                long[] all = new long[total];
                int at = 0;
                for (Client c : state) {
                    System.arraycopy(c.lat, 0, all, at, c.n);
                    at += c.n;
                }
                Arrays.sort(all);
                double seconds = (w.end() - w.start()) / 1e9;
                System.out.printf(Locale.ROOT, "RESULT storage-%s durability=%s clients=%d peers=3 keys=%d value=%dB"
                        + " | %.0f ops/s | p50 %.2f ms p90 %.2f ms p99 %.2f ms max %.1f ms mean %.2f ms"
                        + " | %d ops in %.0f s measured after %d s warm-up | failed %d"
                        + " | JE commits (3 peers) %d: %.1f ops per commit | GC %d collections, %d ms paused%n",
                    op, label, clients, keys, valueBytes, total / seconds, StorageRing.percentileMs(all, 0.5),
                    StorageRing.percentileMs(all, 0.9), StorageRing.percentileMs(all, 0.99),
                    StorageRing.percentileMs(all, 1.0), Arrays.stream(all).average().orElse(0) / 1e6, total, seconds,
                    warmup, failures, commits, store ? 3.0 * total / Math.max(1, commits) : 0.0, gc1[0] - gc0[0],
                    gc1[1] - gc0[1]);
            }
            if (ops.contains("fetch")) {
                // what the overlay keeps for the request lifetime (15 s): answers for retransmitted
                // requests (the replay cache) and pending-request timers
                long busy = StorageRing.usedHeapAfterGc();
                Thread.sleep(16_000);
                long idle = StorageRing.usedHeapAfterGc();
                System.out.printf(Locale.ROOT, "RESULT storage-retained clients=%d | used heap after GC right after the"
                        + " last phase %.1f MB, 16 s later %.1f MB: %.1f MB held for the request lifetime%n", clients,
                    busy / 1e6, idle / 1e6, (busy - idle) / 1e6);
            }
            long slots = 0;
            for (StorageRing.Peer p : ring.peers) {
                slots += p.storage().stats().slots();
            }
            System.out.printf(Locale.ROOT, "copies held by the 3 peers: %d (3 x %d keys = %d)%n", slots, keys, 3L * keys);
            System.out.println(ring.overlayCounters());
        }
        System.exit(0);
    }

    /** Issues one operation for client c, or returns null when the client is done. */
    private interface Op {
        CompletableFuture<?> next(int client);
    }

    /** Runs `clients` closed loops until each is done or the deadline (System.nanoTime) has passed. */
    private static void runUntil(int clients, Op op, long deadline) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(clients);
        for (int c = 0; c < clients; c++) {
            loop(c, op, deadline, done);
        }
        done.await();
    }

    private static void loop(int c, Op op, long deadline, CountDownLatch done) {
        if (System.nanoTime() >= deadline) {
            done.countDown();
            return;
        }
        CompletableFuture<?> f = op.next(c);
        if (f == null) {
            done.countDown();
            return;
        }
        // the next operation is issued from the completion (an overlay thread): no blocking there; one
        // that failed at once (a full queue) continues on another thread, not deeper in this stack
        if (f.isDone()) {
            f.whenCompleteAsync((r, e) -> loop(c, op, deadline, done));
        } else {
            f.whenComplete((r, e) -> loop(c, op, deadline, done));
        }
    }

    static String name(long k) {
        return "sip:user" + k + "@bench.sipring";
    }

    static StoredValue stored(byte[] value, long stamp) {
        byte[] v = value.clone();
        byte[] s = Long.toString(stamp).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, v, 0, Math.min(s.length, v.length));
        return new StoredValue(0, 3600, 0, new byte[0], true, v);
    }

    private StorageThroughputBench() {
    }
}
