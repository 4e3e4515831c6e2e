package org.sipring.peer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * Time to restore three copies after a SIGKILL, on peer processes the bench script started
 * (bench/run-storage-bench.sh repair): V single values are written through the REST API
 * ({@code PUT /api/v1/dht/single/{name}}, round-robin through the peers, 32 in flight), the bench
 * waits until every peer holds exactly the values the ring puts on it, kills one peer with
 * SIGKILL and polls the survivors every 250 ms until each again holds exactly its share.
 *
 * <p>What is exact: a peer holds the values of its own range and of its two predecessors' ranges
 * (three copies: the responsible peer and its two successors), so in a ring of P peers peer i
 * holds V minus the values of the P - 3 ranges it is not a replica of; with four peers left,
 * everything except its successor's range. Before the kill every peer must hold exactly that (no
 * stale copies from the load). After a crash each survivor's share only grows (it keeps what it
 * had and gains the ranges the dead peer held with it), so once every survivor's count equals its
 * new share, every copy is where it belongs: counting is exact, not a lower bound. A sample of
 * values is then read from each of its three holders with {@code ?scope=local} to confirm.
 *
 * <pre>RepairBench values victim peers ipBase apiPort runDir   (tokens: PEER_API_ADMIN_TOKEN, PEER_API_READ_TOKEN)</pre>
 */
public final class RepairBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        .executor(Executors.newFixedThreadPool(4)).build();
    private static final String ADMIN = System.getenv("PEER_API_ADMIN_TOKEN");
    private static final String READ = System.getenv("PEER_API_READ_TOKEN");

    private static final AtomicInteger RETRIES = new AtomicInteger();

    private record Status(String nodeId, String state, List<String> successors, List<String> predecessors) {
    }

    public static void main(String[] args) throws Exception {
        int values = Integer.parseInt(args[0]);
        int victim = Integer.parseInt(args[1]);
        int peers = Integer.parseInt(args[2]);
        int ipBase = Integer.parseInt(args[3]);
        int apiPort = Integer.parseInt(args[4]);
        Path runDir = Path.of(args[5]);
        List<String> apis = new ArrayList<>();
        for (int i = 1; i <= peers; i++) {
            apis.add("http://127.0.0." + (ipBase + i - 1) + ":" + apiPort);
        }
        List<String> names = new ArrayList<>(values);
        List<ResourceId> rids = new ArrayList<>(values);
        for (int k = 0; k < values; k++) {
            names.add("bench-" + k);
            rids.add(ResourceId.ofName(names.get(k)));
        }

        awaitRing(apis, Duration.ofSeconds(120));

        // 1. the load
        long l0 = System.nanoTime();
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        long[] latency = new long[values];
        for (int k = 0; k < values; k++) {
            inFlight.acquire();
            int key = k;
            long s0 = System.nanoTime();
            String body = "{\"value\":\"sip:bench-" + k + "@10.0.0." + (k % 250) + ":5060;transport=tcp\",\"lifetime\":86400}";
            writes.add(put(apis, k, names.get(k), body, 0).thenAccept(ok -> {
                if (!ok) {
                    failed.incrementAndGet();
                }
                latency[key] = System.nanoTime() - s0;
                inFlight.release();
            }));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        double loadSeconds = (System.nanoTime() - l0) / 1e9;
        java.util.Arrays.sort(latency);
        System.out.printf(Locale.ROOT, "RESULT repair-load values=%d | written through %d peers, 32 in flight, in %.1f s:"
                + " %.0f PUT/s | PUT latency p50 %.1f ms p99 %.1f ms max %.0f ms | retried %d | failed %d%n", values,
            peers, loadSeconds, values / loadSeconds, StorageRing.percentileMs(latency, 0.5),
            StorageRing.percentileMs(latency, 0.99), StorageRing.percentileMs(latency, 1.0), RETRIES.get(), failed.get());

        // 2. three copies before the kill, where the ring puts them
        Map<Integer, Status> before = statuses(apis, allPeers(peers));
        Map<Integer, Long> expectedBefore = expected(before, rids);
        long w0 = System.nanoTime();
        while (!matches(apis, expectedBefore) && System.nanoTime() - w0 < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(1000);
        }
        Map<Integer, Long> held = slots(apis, allPeers(peers));
        boolean noStaleCopies = held.equals(expectedBefore);
        System.out.printf(Locale.ROOT, "before the kill: held %s, the ring puts %s there%n", held, expectedBefore);
        if (!noStaleCopies) {
            System.out.println("warning: extra (stale) copies before the kill: completion is checked value by value");
        }
        int[][] holdersBefore = holders(before, rids);
        if (victim == 0) {
            System.exit(0);
        }

        // 3. SIGKILL
        long pid = Long.parseLong(Files.readString(runDir.resolve("peer" + victim + ".pid")).trim());
        ProcessHandle victimProcess = ProcessHandle.of(pid).orElseThrow();
        long lost = held.get(victim);
        long k0 = System.nanoTime();
        victimProcess.destroyForcibly();
        victimProcess.onExit().get(20, TimeUnit.SECONDS);
        List<Integer> survivors = new ArrayList<>(allPeers(peers));
        survivors.remove(Integer.valueOf(victim));

        // 4. poll the survivors until each holds its new share: by count when there were no stale
        // copies (exact, see above), else value by value for the copies each survivor gains
        double ringAt = -1;
        double countsAt = -1;
        double restoredAt = -1;
        Map<Integer, Long> expectedAfter = Map.of();
        Map<Integer, Long> last = Map.of();
        Map<Integer, List<Integer>> toGain = null;
        long deadline = k0 + TimeUnit.SECONDS.toNanos(600);
        long lastPrint = k0;
        while (System.nanoTime() < deadline) {
            Map<Integer, Status> st = statuses(apis, survivors);
            double t = (System.nanoTime() - k0) / 1e9;
            if (ringAt < 0 && ringConverged(st, survivors)) {
                ringAt = t;
                toGain = gained(holdersBefore, holders(st, rids));
            }
            if (st.size() == survivors.size()) {
                expectedAfter = expected(st, rids);
                last = slots(apis, survivors);
                boolean enough = true;
                for (int i : survivors) {
                    enough &= last.get(i) >= expectedAfter.get(i);
                }
                if (enough && countsAt < 0) {
                    countsAt = t;
                }
                if (enough && noStaleCopies && last.equals(expectedAfter)) {
                    restoredAt = t;
                    break;
                }
                if (enough && toGain != null && (!noStaleCopies || !last.equals(expectedAfter))
                    && stillMissing(apis, names, toGain) == 0) {
                    restoredAt = (System.nanoTime() - k0) / 1e9;
                    break;
                }
            }
            if (System.nanoTime() - lastPrint > 5e9) {
                lastPrint = System.nanoTime();
                System.out.printf(Locale.ROOT, "  %.0f s: held %s, expected %s%n", t, last, expectedAfter);
            }
            Thread.sleep(250);
        }
        long sum = last.values().stream().mapToLong(Long::longValue).sum();

        // 5. confirm on a sample: every holder has the value
        Map<Integer, Status> ring = statuses(apis, survivors);
        int missing = verifySample(apis, ring, names, rids, 2_000);
        System.out.printf(Locale.ROOT, "RESULT repair values=%d victim=peer%d copies-lost=%d | ring of %d converged"
                + " %.1f s after the kill | three copies restored %s%s | slots held %s = %d (3 x %d = %d) |"
                + " sample of 2000 values x 3 holders read locally: %d missing%n", values, victim, lost,
            survivors.size(), ringAt,
            restoredAt < 0 ? "NOT within 600 s" : String.format(Locale.ROOT, "%.1f s after the kill", restoredAt),
            countsAt >= 0 && restoredAt - countsAt > 0.5
                ? String.format(Locale.ROOT, " (counts reached the shares at %.1f s; checked value by value)", countsAt)
                : "", last, sum, values, 3L * values, missing);
        System.exit(0);
    }

    /** Per value, the peer numbers of its three holders in the ring of these peers. */
    private static int[][] holders(Map<Integer, Status> st, List<ResourceId> rids) {
        List<Map.Entry<NodeId, Integer>> order = new ArrayList<>();
        st.forEach((i, s) -> order.add(Map.entry(NodeId.fromHex(s.nodeId()), i)));
        order.sort(Map.Entry.comparingByKey());
        List<NodeId> ids = order.stream().map(Map.Entry::getKey).toList();
        int[][] out = new int[rids.size()][];
        for (int k = 0; k < rids.size(); k++) {
            int owner = StorageRing.responsible(ids, rids.get(k));
            out[k] = new int[Math.min(3, ids.size())];
            for (int c = 0; c < out[k].length; c++) {
                out[k][c] = order.get((owner + c) % ids.size()).getValue();
            }
        }
        return out;
    }

    /** Per peer, the values it holds in the new ring and did not in the old one. */
    private static Map<Integer, List<Integer>> gained(int[][] before, int[][] after) {
        Map<Integer, List<Integer>> out = new HashMap<>();
        for (int k = 0; k < after.length; k++) {
            for (int p : after[k]) {
                final int peer = p;
                if (java.util.Arrays.stream(before[k]).noneMatch(q -> q == peer)) {
                    out.computeIfAbsent(p, x -> new ArrayList<>()).add(k);
                }
            }
        }
        return out;
    }

    /** Reads each still-missing gained copy from its new holder's own store; drops those present. */
    private static int stillMissing(List<String> apis, List<String> names, Map<Integer, List<Integer>> toGain) {
        int missing = 0;
        for (Map.Entry<Integer, List<Integer>> e : toGain.entrySet()) {
            String api = apis.get(e.getKey() - 1);
            e.getValue().removeIf(k -> get(api, "/api/v1/dht/single/" + enc(names.get(k)) + "?scope=local")
                .map(j -> j.path("values").size() == 1).orElse(false));
            missing += e.getValue().size();
        }
        return missing;
    }

    /** Waits until every peer is ACTIVE and their neighbour lists are those of the ring of their ids. */
    private static void awaitRing(List<String> apis, Duration timeout) throws InterruptedException {
        List<Integer> all = allPeers(apis.size());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ringConverged(statuses(apis, all), all)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ring of " + apis.size() + " peers did not converge in " + timeout);
            }
            Thread.sleep(500);
        }
    }

    private static List<Integer> allPeers(int peers) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= peers; i++) {
            out.add(i);
        }
        return out;
    }

    private static CompletableFuture<Boolean> put(List<String> apis, int k, String name, String body, int attempt) {
        String api = apis.get((k + attempt) % apis.size());
        HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/api/v1/dht/single/" + enc(name)))
            .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + ADMIN)
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> e == null && r.statusCode() == 200)
            .thenCompose(ok -> {
                if (ok || attempt >= 4) {
                    return CompletableFuture.completedFuture(ok);
                }
                RETRIES.incrementAndGet();
                return put(apis, k, name, body, attempt + 1);
            });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static Optional<JsonNode> get(String api, String path) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + READ).GET().build();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(JSON.readTree(r.body())) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static Map<Integer, Status> statuses(List<String> apis, List<Integer> which) {
        Map<Integer, Status> out = new HashMap<>();
        for (int i : which) {
            get(apis.get(i - 1), "/api/v1/peer").ifPresent(j -> out.put(i, new Status(
                j.path("nodeId").asText().toLowerCase(Locale.ROOT), j.path("state").asText(), ids(j.path("successors")),
                ids(j.path("predecessors")))));
        }
        return out;
    }

    private static List<String> ids(JsonNode refs) {
        List<String> out = new ArrayList<>();
        refs.forEach(r -> out.add(r.path("nodeId").asText().toLowerCase(Locale.ROOT)));
        return out;
    }

    private static Map<Integer, Long> slots(List<String> apis, List<Integer> which) {
        Map<Integer, Long> out = new HashMap<>();
        for (int i : which) {
            out.put(i, get(apis.get(i - 1), "/api/v1/storage").map(j -> j.path("slots").asLong(-1)).orElse(-1L));
        }
        return out;
    }

    private static boolean matches(List<String> apis, Map<Integer, Long> expected) {
        return slots(apis, List.copyOf(expected.keySet())).equals(expected);
    }

    /** Per peer, the values the ring of these peers puts on it: its range and its two predecessors'. */
    private static Map<Integer, Long> expected(Map<Integer, Status> st, List<ResourceId> rids) {
        List<Map.Entry<NodeId, Integer>> order = new ArrayList<>();
        st.forEach((i, s) -> order.add(Map.entry(NodeId.fromHex(s.nodeId()), i)));
        order.sort(Map.Entry.comparingByKey());
        List<NodeId> ids = order.stream().map(Map.Entry::getKey).toList();
        Map<Integer, Long> out = new HashMap<>();
        order.forEach(e -> out.put(e.getValue(), 0L));
        for (ResourceId r : rids) {
            int owner = StorageRing.responsible(ids, r);
            for (int c = 0; c < Math.min(3, ids.size()); c++) {
                out.merge(order.get((owner + c) % ids.size()).getValue(), 1L, Long::sum);
            }
        }
        return out;
    }

    /** Every survivor ACTIVE, and its nearest successor and predecessor those of the ring of their ids. */
    private static boolean ringConverged(Map<Integer, Status> st, List<Integer> survivors) {
        if (st.size() != survivors.size()) {
            return false;
        }
        List<String> ids = st.values().stream().map(Status::nodeId).sorted().toList();
        int n = ids.size();
        for (Status s : st.values()) {
            int i = ids.indexOf(s.nodeId());
            if (!s.state().equals("ACTIVE") || s.successors().isEmpty() || s.predecessors().isEmpty()) {
                return false;
            }
            for (int k = 0; k < Math.min(n - 1, s.successors().size()); k++) {
                if (!s.successors().get(k).equals(ids.get((i + 1 + k) % n))) {
                    return false;
                }
            }
            for (int k = 0; k < Math.min(n - 1, s.predecessors().size()); k++) {
                if (!s.predecessors().get(k).equals(ids.get(((i - 1 - k) % n + n) % n))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Reads a random sample from each of its three holders' own stores; returns how many copies were missing. */
    private static int verifySample(List<String> apis, Map<Integer, Status> st, List<String> names,
                                    List<ResourceId> rids, int sample) {
        List<Map.Entry<NodeId, Integer>> order = new ArrayList<>();
        st.forEach((i, s) -> order.add(Map.entry(NodeId.fromHex(s.nodeId()), i)));
        order.sort(Map.Entry.comparingByKey());
        List<NodeId> ids = order.stream().map(Map.Entry::getKey).toList();
        Random random = new Random(7);
        int missing = 0;
        for (int s = 0; s < sample; s++) {
            int k = random.nextInt(names.size());
            int owner = StorageRing.responsible(ids, rids.get(k));
            for (int c = 0; c < Math.min(3, ids.size()); c++) {
                String api = apis.get(order.get((owner + c) % ids.size()).getValue() - 1);
                boolean has = get(api, "/api/v1/dht/single/" + enc(names.get(k)) + "?scope=local")
                    .map(j -> j.path("values").size() == 1).orElse(false);
                if (!has) {
                    missing++;
                }
            }
        }
        return missing;
    }

    private RepairBench() {
    }
}
