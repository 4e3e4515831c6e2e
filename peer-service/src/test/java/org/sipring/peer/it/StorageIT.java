package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * The storage promise with real peers on loopback and real Berkeley DB JE stores on disk: values
 * acknowledged through different peers survive the simultaneous SIGKILL of two adjacent peers,
 * come back to three copies, are reconciled by the killed peers when they restart with their old
 * data, and a drain under continuous writes loses and fails none of them.
 *
 * <p>{@code -Dstorage.it.values=N} sets the size of the initial load (default 100,000).
 */
class StorageIT {

    private static final int VALUES = Integer.getInteger("storage.it.values", 100_000);
    private static final int SAMPLE = Math.min(VALUES, 1_000);
    private static final String[] STORAGE_ARGS = {"--peer.storage.repair-interval=3s",
        "--peer.storage.repair-grace=3s"};
    private static final Duration WRITE_DEADLINE = Duration.ofSeconds(5);

    private final DhtClient client = new DhtClient(48, Duration.ofSeconds(25));
    private final Random random = new Random(42);

    @Test
    void acknowledgedValuesSurviveTwoAdjacentKillsRestartsAndADrainUnderWrites() throws Exception {
        try (LocalCluster cluster = LocalCluster.plain("storage")) {
            Map<Integer, PeerProcess> byNumber = new HashMap<>();
            PeerProcess first = cluster.start(1, List.of(), STORAGE_ARGS);
            byNumber.put(1, first);
            first.awaitActive();
            for (int n = 2; n <= 5; n++) {
                byNumber.put(n, cluster.start(n, List.of(first), STORAGE_ARGS));
            }
            Ring ring = LocalCluster.awaitRing(List.copyOf(byNumber.values()), Duration.ofSeconds(120));
            Map<String, Integer> numberOf = numbersById(byNumber);

            // 1. the load, written round-robin through all five peers
            Map<String, String> acked = new ConcurrentHashMap<>();
            List<PeerProcess> all = List.copyOf(byNumber.values());
            writeAll(all, keys("k", VALUES), "v1", acked);
            assertThat(acked).hasSize(VALUES);

            // 2. SIGKILL two adjacent peers at once
            String a = ring.ids().get(random.nextInt(ring.ids().size()));
            String b = ring.successors(a, 1).get(0);
            PeerProcess pa = byNumber.get(numberOf.get(a));
            PeerProcess pb = byNumber.get(numberOf.get(b));
            pa.process().destroyForcibly();
            pb.process().destroyForcibly();
            pa.waitForExit(Duration.ofSeconds(20));
            pb.waitForExit(Duration.ofSeconds(20));
            List<PeerProcess> survivors = all.stream().filter(p -> p != pa && p != pb).toList();
            LocalCluster.awaitRing(survivors, Duration.ofSeconds(120));

            // 3. every acknowledged value is readable from the survivors
            assertAllReadable(survivors, acked, List.copyOf(acked.keySet()));

            // 4. three copies again: with three peers left, each holds every value
            await("three copies after the repair").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2))
                .until(() -> survivors.stream().allMatch(p -> DhtClient.slotsHeld(p) == VALUES));

            // 5. while the killed peers are down, a sample of values changes; restarted with their old
            // data they must reconcile instead of serving what they had
            List<String> changed = sample(List.copyOf(acked.keySet()), SAMPLE);
            writeAll(survivors, changed, "v2", acked);
            PeerProcess ra = cluster.start(numberOf.get(a), survivors, STORAGE_ARGS);
            ra.awaitState("ACTIVE", Duration.ofSeconds(180));
            PeerProcess rb = cluster.start(numberOf.get(b), survivors, STORAGE_ARGS);
            byNumber.put(numberOf.get(a), ra);
            byNumber.put(numberOf.get(b), rb);
            List<PeerProcess> five = List.copyOf(byNumber.values());
            Ring again = LocalCluster.awaitRing(five, Duration.ofSeconds(120));
            assertThat(again.ids()).as("restarted peers keep their Node-IDs").contains(a, b);
            // with two adjacent peers gone, a survivor may have moved to split the gap they left
            // (peer.overlay.rebalance), so the ring is read again rather than assumed
            Map<String, Integer> numberAgain = numbersById(byNumber);
            awaitCopies(again, byNumber, numberAgain, changed, acked);
            awaitCopies(again, byNumber, numberAgain, sample(List.copyOf(acked.keySet()), SAMPLE), acked);

            // 6. drain one peer while writers keep storing new keys and updating keys of its range
            String drained = again.ids().get(random.nextInt(again.ids().size()));
            PeerProcess pd = byNumber.get(numberAgain.get(drained));
            List<PeerProcess> staying = five.stream().filter(p -> p != pd).toList();
            List<String> ofDrained = acked.keySet().stream()
                .filter(k -> responsible(again, k).equals(drained)).limit(2_000).toList();
            assertThat(ofDrained).isNotEmpty();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failed = new AtomicInteger();
            List<String> failures = new ArrayList<>();
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(CompletableFuture.runAsync(() ->
                    keepWriting(writer, staying, ofDrained, acked, stop, failed, failures)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> acked.keySet().stream().anyMatch(k -> k.startsWith("live")));
            assertThat(pd.call("POST", "/api/v1/peer/drain", PeerProcess.ADMIN_TOKEN).statusCode()).isEqualTo(202);
            pd.awaitState("LEFT", Duration.ofSeconds(240));
            long liveBefore = acked.keySet().stream().filter(k -> k.startsWith("live")).count();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                acked.keySet().stream().filter(k -> k.startsWith("live")).count() > liveBefore + 20);
            stop.set(true);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get();
            synchronized (failures) {
                assertThat(failed.get()).as("writes that failed or got no answer within %s during the drain: %s",
                    WRITE_DEADLINE, failures).isZero();
            }
            pd.stop(Duration.ofSeconds(30));

            Ring four = LocalCluster.awaitRing(staying, Duration.ofSeconds(120));
            List<String> written = acked.keySet().stream().filter(k -> k.startsWith("live")).toList();
            assertAllReadable(staying, acked, written);
            assertAllReadable(staying, acked, ofDrained);
            byNumber.values().remove(pd);
            Map<String, Integer> numberFour = numbersById(byNumber);
            awaitCopies(four, byNumber, numberFour, written, acked);
            awaitCopies(four, byNumber, numberFour, ofDrained, acked);
        }
    }

    private void keepWriting(int writer, List<PeerProcess> via, List<String> ofDrained, Map<String, String> acked,
                             AtomicBoolean stop, AtomicInteger failed, List<String> failures) {
        int i = 0;
        while (!stop.get()) {
            String key = i % 2 == 0 ? "live-" + writer + "-" + i : ofDrained.get((i * 4 + writer) % ofDrained.size());
            String value = "w" + writer + "-" + i;
            long started = System.nanoTime();
            DhtClient.Result r = client.put(via.get(i % via.size()), key, value).join();
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (r.ok() && millis <= WRITE_DEADLINE.toMillis()) {
                acked.put(key, value);
            } else {
                failed.incrementAndGet();
                synchronized (failures) {
                    failures.add(key + ": " + r.status() + " after " + millis + " ms " + r.body());
                }
                if (r.ok()) {
                    acked.put(key, value);
                }
            }
            i++;
        }
    }

    /** Writes every key through the peers round-robin, retrying a refused write a few times. */
    private void writeAll(List<PeerProcess> via, List<String> keys, String prefix, Map<String, String> acked) {
        List<CompletableFuture<Void>> all = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            String value = prefix + "-" + key;
            all.add(writeWithRetry(via, i, key, value, 0).thenAccept(ok -> {
                if (ok) {
                    acked.put(key, value);
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private CompletableFuture<Boolean> writeWithRetry(List<PeerProcess> via, int i, String key, String value,
                                                      int attempt) {
        return client.put(via.get((i + attempt) % via.size()), key, value).thenCompose(r -> r.ok() || attempt >= 4
            ? CompletableFuture.completedFuture(r.ok()) : writeWithRetry(via, i, key, value, attempt + 1));
    }

    /**
     * Reads through one survivor, and through the next ones when it answers 503: a peer that is
     * not serving (it is moving to another Node-ID to rebalance the ring, and rejoining) sends its
     * clients to another entry point, as writes do. Any other answer is the one judged.
     */
    private CompletableFuture<DhtClient.Result> readFailingOver(List<PeerProcess> via, int i, String key,
                                                                int attempt) {
        return client.get(via.get((i + attempt) % via.size()), key, false).thenCompose(r ->
            r.status() != 503 || attempt + 1 >= via.size() ? CompletableFuture.completedFuture(r)
                : readFailingOver(via, i, key, attempt + 1));
    }

    private void assertAllReadable(List<PeerProcess> via, Map<String, String> acked, List<String> keys) {
        Map<String, String> wrong = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> reads = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            reads.add(readFailingOver(via, i, key, 0).thenAccept(r -> {
                String expected = acked.get(key);
                if (!DhtClient.valueOf(r).map(expected::equals).orElse(false)) {
                    wrong.put(key, r.status() + " " + r.body());
                }
            }));
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
        assertThat(wrong).as("values not readable as acknowledged (of %d)", keys.size()).isEmpty();
    }

    /** Waits until the responsible peer and its two successors each hold the acknowledged value. */
    private void awaitCopies(Ring ring, Map<Integer, PeerProcess> byNumber, Map<String, Integer> numberOf,
                             List<String> keys, Map<String, String> acked) {
        Map<String, String> missing = new ConcurrentHashMap<>();
        await("three copies of " + keys.size() + " values").atMost(Duration.ofSeconds(240))
            .pollInterval(Duration.ofSeconds(3)).until(() -> {
                missing.clear();
                List<CompletableFuture<Void>> reads = new ArrayList<>();
                for (String key : keys) {
                    String owner = responsible(ring, key);
                    List<String> holders = new ArrayList<>();
                    holders.add(owner);
                    holders.addAll(ring.successors(owner, 2));
                    for (String h : holders) {
                        PeerProcess p = byNumber.get(numberOf.get(h));
                        reads.add(client.get(p, key, true).thenAccept(r -> {
                            if (!DhtClient.valueOf(r).map(acked.get(key)::equals).orElse(false)) {
                                missing.put(key + "@" + p.name(), r.status() + " " + r.body());
                            }
                        }));
                    }
                }
                CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).join();
                return missing.isEmpty();
            });
    }

    private static String responsible(Ring ring, String key) {
        String r = ResourceId.ofName(key).toHex();
        return ring.ids().stream().filter(id -> id.compareTo(r) >= 0).findFirst().orElse(ring.ids().get(0));
    }

    private static Map<String, Integer> numbersById(Map<Integer, PeerProcess> byNumber) {
        Map<String, Integer> out = new HashMap<>();
        byNumber.forEach((n, p) -> out.put(p.status().nodeId().toLowerCase(java.util.Locale.ROOT), n));
        return out;
    }

    private static List<String> keys(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(prefix + "-" + i);
        }
        return out;
    }

    private List<String> sample(List<String> from, int n) {
        List<String> copy = new ArrayList<>(from);
        java.util.Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(n, copy.size()));
    }
}
