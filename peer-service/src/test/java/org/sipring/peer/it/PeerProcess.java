package org.sipring.peer.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One real peer: {@code java -jar peer-service.jar} in its own process with a small heap, its
 * output captured to a log file. Talks to it over its admin API only.
 */
public final class PeerProcess {

    /** JVM limits per peer: a 2-core test machine runs several of these at once. */
    public static final List<String> JVM_FLAGS = List.of("-Xmx96m", "-Xss512k", "-XX:MaxDirectMemorySize=32m",
        "-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
        "-XX:+ExitOnOutOfMemoryError", "-Djava.security.egd=file:/dev/urandom");

    public static final String ADMIN_TOKEN = "it-admin-token-0123456789abcdef";
    public static final String READ_TOKEN = "it-read-token-0123456789abcdef";
    public static final String SIP_SECRET = "it-sip-nonce-secret-0123456789abcdef";

    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final String name;
    private final String host;
    private final int overlayPort;
    private final int apiPort;
    private final Path log;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PeerProcess(String name, String host, int overlayPort, int apiPort, Path log, Process process) {
        this.name = name;
        this.host = host;
        this.overlayPort = overlayPort;
        this.apiPort = apiPort;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts a peer. Its admin API listens on {@code host:apiPort}; its overlay on
     * {@code host:overlayPort} unless {@code args} name another {@code --peer.overlay.listen}. SIP
     * is off unless {@code args} set some {@code --peer.sip.*}; the nonce secret is always given.
     */
    public static PeerProcess start(Path jar, String name, String host, int overlayPort, int apiPort, Path log,
                                    List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_FLAGS);
        command.add("-jar");
        command.add(jar.toString());
        if (args.stream().noneMatch(a -> a.startsWith("--peer.overlay.listen="))) {
            command.add("--peer.overlay.listen=" + host + ":" + overlayPort);
        }
        if (args.stream().noneMatch(a -> a.startsWith("--peer.sip."))) {
            command.add("--peer.sip.enabled=false");
        }
        command.add("--server.address=" + host);
        command.add("--server.port=" + apiPort);
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        Map<String, String> env = pb.environment();
        env.put("PEER_API_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("PEER_API_READ_TOKEN", READ_TOKEN);
        env.put("PEER_SIP_AUTH_SECRET", SIP_SECRET);
        env.remove("JAVA_TOOL_OPTIONS");
        try {
            Files.createDirectories(log.getParent());
            return new PeerProcess(name, host, overlayPort, apiPort, log, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public String overlayAddress() {
        return host + ":" + overlayPort;
    }

    /** The admin API's base URI, http://host:port. */
    public String apiBase() {
        return "http://" + host + ":" + apiPort;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return log;
    }

    public String logText() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public HttpResponse<String> call(String method, String path, String token) throws IOException {
        return call(method, path, token, null);
    }

    /** A call with a JSON body (none when {@code json} is null). */
    public HttpResponse<String> call(String method, String path, String token, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiBase() + path))
            .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
            .timeout(Duration.ofSeconds(5));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The peer's status, or empty while its API does not answer yet (or any more). */
    public Optional<PeerStatus> tryStatus() {
        assertAlive();
        try {
            HttpResponse<String> r = call("GET", "/api/v1/peer", READ_TOKEN);
            return r.statusCode() == 200 ? Optional.of(JSON.readValue(r.body(), PeerStatus.class)) : Optional.empty();
        } catch (ConnectException | HttpTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public PeerStatus status() {
        return tryStatus().orElseThrow(() -> new AssertionError(name + " does not answer; log:\n" + logTail(30)));
    }

    /** Node-IDs from {@code GET /api/v1/overlay/peers}. */
    public List<String> overlayPeerIds() throws IOException {
        HttpResponse<String> r = call("GET", "/api/v1/overlay/peers", READ_TOKEN);
        if (r.statusCode() != 200) {
            throw new AssertionError(name + ": overlay/peers answered " + r.statusCode() + " " + r.body());
        }
        return List.of(JSON.readValue(r.body(), PeerStatus.Ref[].class)).stream().map(PeerStatus.Ref::nodeId).toList();
    }

    /** Fails the test at once, with the log, if the process has died. */
    public void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + "; log:\n" + logTail(40));
        }
    }

    public PeerStatus awaitState(String state, Duration timeout) {
        return await(name + " reaching " + state).atMost(timeout).pollInterval(Duration.ofMillis(250))
            .until(this::tryStatus, s -> s.isPresent() && state.equals(s.get().state())).orElseThrow();
    }

    public PeerStatus awaitActive() {
        return awaitState("ACTIVE", Duration.ofSeconds(120));
    }

    /** SIGKILL on the peer's own JVM: no leave, no shutdown hooks. */
    public void kill() {
        process.destroyForcibly();
        waitForExit(Duration.ofSeconds(20));
    }

    /** SIGTERM, so the peer leaves gracefully; SIGKILL if it has not exited within the timeout. */
    public int stop(Duration timeout) {
        process.destroy();
        if (!waitForExit(timeout)) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(20));
        }
        return process.exitValue();
    }

    /** Waits for a process that is expected to exit on its own. */
    public boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + "(" + overlayAddress() + ", api " + host + ":" + apiPort + ")";
    }
}
