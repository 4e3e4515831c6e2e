package org.sipring.peer.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Writes and reads single values through peers' DHT REST API ({@code /api/v1/dht/single/...}),
 * asynchronously with a bounded number of requests in flight.
 */
final class DhtClient {

    /** The outcome of one call: the HTTP status (0 for no answer in time) and the body. */
    record Result(int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
        .executor(java.util.concurrent.Executors.newFixedThreadPool(4)).build();
    private final Semaphore inFlight;
    private final Duration timeout;

    DhtClient(int maxInFlight, Duration timeout) {
        this.inFlight = new Semaphore(maxInFlight);
        this.timeout = timeout;
    }

    CompletableFuture<Result> put(PeerProcess via, String name, String value) {
        String body = "{\"value\":\"" + value + "\",\"lifetime\":86400}";
        return send(HttpRequest.newBuilder(uri(via, name, ""))
            .header("Authorization", "Bearer " + PeerProcess.ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    CompletableFuture<Result> get(PeerProcess via, String name, boolean local) {
        return send(HttpRequest.newBuilder(uri(via, name, local ? "?scope=local" : ""))
            .header("Authorization", "Bearer " + PeerProcess.READ_TOKEN).GET());
    }

    /** The stored value in a GET answer, if it has one. */
    static Optional<String> valueOf(Result r) {
        if (!r.ok()) {
            return Optional.empty();
        }
        try {
            JsonNode v = JSON.readTree(r.body()).path("values").path(0).path("value");
            return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Slots this peer's own store holds ({@code GET /api/v1/storage}). */
    static long slotsHeld(PeerProcess p) {
        try {
            HttpResponse<String> r = p.call("GET", "/api/v1/storage", PeerProcess.READ_TOKEN);
            return r.statusCode() == 200 ? JSON.readTree(r.body()).path("slots").asLong(-1) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static URI uri(PeerProcess via, String name, String query) {
        return URI.create(via.apiBase() + "/api/v1/dht/single/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
            + query);
    }

    private CompletableFuture<Result> send(HttpRequest.Builder b) {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.completedFuture(new Result(0, "interrupted"));
        }
        return http.sendAsync(b.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString())
            .handle((r, err) -> {
                inFlight.release();
                return err != null ? new Result(0, String.valueOf(err)) : new Result(r.statusCode(), r.body());
            });
    }
}
