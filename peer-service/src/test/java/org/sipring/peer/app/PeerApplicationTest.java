package org.sipring.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipring.peer.app.logging.PeerIdConverter;
import org.sipring.peer.overlay.PeerState;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;

/**
 * The whole application on a real Undertow port with the real composition root, the overlay
 * replaced by a fake: wiring, lifecycle, auth over HTTP, actuator exposure and probes, logs.
 */
@SpringBootTest(classes = PeerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"peer.overlay.listen=127.0.0.1:6084", "peer.overlay.tls.enabled=false",
        "peer.api.admin-token=" + PeerApplicationTest.ADMIN, "peer.api.read-token=" + PeerApplicationTest.READ,
        "peer.overlay.bootstrap=127.0.0.2:6084,127.0.0.3:6084", "peer.overlay.join-retry-initial=50ms",
        "peer.sip.listen=127.0.0.1:5261", "peer.sip.domains=example.com", "peer.sip.auth.secret=app-test-nonce-secret-0123"})
@ExtendWith(OutputCaptureExtension.class)
class PeerApplicationTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";
    static final Path DATA;

    static {
        try {
            DATA = Files.createTempDirectory("peer-app-test");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("peer.storage.dir", DATA::toString);
    }

    @TestBean
    OverlayRuntime overlay;

    static OverlayRuntime overlay() {
        FakeOverlay fake = new FakeOverlay(FakeOverlay.peer("c0ffee00112233445566778899aabbcc", "127.0.0.1:6084"));
        fake.joinFailuresLeft.set(1);
        return fake;
    }

    @LocalServerPort
    int port;

    @Autowired
    PeerLifecycle lifecycle;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void joinsThroughTheBootstrapPeersAndServesItsState(CapturedOutput output) throws Exception {
        FakeOverlay fake = (FakeOverlay) overlay;
        assertThat(lifecycle.joined()).succeedsWithin(Duration.ofSeconds(10));
        assertThat(fake.started).isTrue();
        assertThat(fake.joins).hasValue(2);
        assertThat(Files.readString(DATA.resolve("node-id")).trim()).isEqualTo("c0ffee00112233445566778899aabbcc");
        assertThat(PeerIdConverter.current()).isEqualTo("c0ffee00");

        HttpResponse<String> peer = call("GET", "/api/v1/peer", READ);
        assertThat(peer.statusCode()).isEqualTo(200);
        assertThat(peer.body()).contains("\"nodeId\":\"c0ffee00112233445566778899aabbcc\"", "\"state\":\"ACTIVE\"");

        assertThat(call("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);

        LoggerFactory.getLogger(PeerApplicationTest.class).info("probe line");
        await().atMost(Duration.ofSeconds(5)).until(() -> output.getOut().lines()
            .anyMatch(l -> l.contains("probe line") && l.contains(" [c0ffee00] ")));
        assertThat(output.getAll()).doesNotContain(ADMIN).doesNotContain(READ);
    }

    @Test
    void readinessFollowsTheOverlayState() throws Exception {
        FakeOverlay fake = (FakeOverlay) overlay;
        assertThat(lifecycle.joined()).succeedsWithin(Duration.ofSeconds(10));
        PeerState before = fake.state;
        try {
            fake.state = PeerState.DRAINING;
            HttpResponse<String> r = call("GET", "/actuator/health/readiness", null);
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.body()).contains("OUT_OF_SERVICE");
            assertThat(call("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        } finally {
            fake.state = before;
        }
    }

    @Test
    void authContractOverHttp() throws Exception {
        HttpResponse<String> none = call("GET", "/api/v1/overlay/peers", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(call("POST", "/api/v1/peer/leave", READ).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/v1/overlay/peers", ADMIN).statusCode()).isEqualTo(200);
        HttpResponse<String> missing = call("GET", "/api/v1/nope", ADMIN);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void onlyHealthIsExposed() throws Exception {
        for (String path : new String[] {"/actuator/env", "/actuator/beans", "/actuator/configprops", "/actuator/info",
            "/actuator/shutdown", "/actuator/heapdump"}) {
            assertThat(call("GET", path, ADMIN).statusCode()).as(path).isEqualTo(404);
        }
        HttpResponse<String> health = call("GET", "/actuator/health", null);
        assertThat(health.body()).doesNotContain("127.0.0.1").doesNotContain("diskSpace\":{\"status\":\"UP\",\"details");
    }

    HttpResponse<String> put(String path, String token, String contentType, HttpRequest.BodyPublisher body)
        throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .PUT(body).header("Content-Type", contentType).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void dhtOverHttp() throws Exception {
        assertThat(lifecycle.joined()).succeedsWithin(Duration.ofSeconds(10));
        HttpResponse<String> stored = put("/api/v1/dht/dictionary/sip:alice@example.org", ADMIN, "application/json",
            HttpRequest.BodyPublishers.ofString("{\"values\":[{\"key\":\"k1\",\"value\":\"text\"}]}"));
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(stored.body()).contains("\"resourceId\":\"fdfbd5d7a777037523f569849c4acc7b\"", "\"generation\":1");

        HttpResponse<String> unknown = call("GET", "/api/v1/dht/blob/x", READ);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknown.body()).contains("known kinds: single, array, dictionary");
        assertThat(call("GET", "/api/v1/dht/single/x", READ).statusCode()).isEqualTo(404);
        assertThat(put("/api/v1/dht/single/x", READ, "application/json",
            HttpRequest.BodyPublishers.ofString("{\"value\":\"v\"}")).statusCode()).isEqualTo(403);
        assertThat(call("DELETE", "/api/v1/dht/single/x", ADMIN).statusCode()).isEqualTo(200);

        // names are percent-decoded, an encoded slash included
        HttpResponse<String> slash = put("/api/v1/dht/single/a%2Fb%20c", ADMIN, "application/json",
            HttpRequest.BodyPublishers.ofString("{\"value\":\"v\"}"));
        assertThat(slash.statusCode()).isEqualTo(200);
        assertThat(slash.body()).contains("\"resource\":\"a/b c\"");
        // a streamed body (chunked, no Content-Length) is refused once it passes the limit
        byte[] tooMuch = new byte[2 * 1024 * 1024];
        Arrays.fill(tooMuch, (byte) 'x');
        HttpResponse<String> big = put("/api/v1/dht/single/x", ADMIN, "application/json",
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(tooMuch)));
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(big.body()).contains("the request body exceeds 1048576 bytes");
        assertThat(big.statusCode()).isEqualTo(413);
    }
}
