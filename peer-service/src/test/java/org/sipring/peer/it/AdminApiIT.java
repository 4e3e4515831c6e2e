package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The admin API's contract on a real peer process: bearer auth, problem details, probes, leave. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiIT {

    static LocalCluster cluster;
    static PeerProcess peer;

    @BeforeAll
    static void onePeer() {
        cluster = LocalCluster.plain("AdminApiIT");
        peer = cluster.start(1, List.of());
        peer.awaitActive();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    @Order(1)
    void noTokenIs401WithABearerChallenge() throws Exception {
        HttpResponse<String> r = peer.call("GET", "/api/v1/peer", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(peer.call("GET", "/api/v1/overlay/peers", "wrong-token-0123456789").statusCode()).isEqualTo(401);
        assertThat(peer.call("POST", "/api/v1/peer/leave", null).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(2)
    void readTokenReadsButCannotAct() throws Exception {
        PeerStatus s = peer.status();
        assertThat(s.nodeId()).matches("[0-9a-f]{32}");
        assertThat(s.state()).isEqualTo("ACTIVE");
        assertThat(s.address()).isEqualTo(peer.overlayAddress());
        assertThat(peer.overlayPeerIds()).containsExactly(s.nodeId());

        HttpResponse<String> r = peer.call("POST", "/api/v1/peer/leave", PeerProcess.READ_TOKEN);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(peer.status().state()).isEqualTo("ACTIVE");
    }

    @Test
    @Order(3)
    void errorsAreProblemDetailsWithoutInternals() throws Exception {
        HttpResponse<String> r = peer.call("GET", "/api/v1/no-such-thing", PeerProcess.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(peer.call("GET", "/actuator/env", PeerProcess.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(peer.call("GET", "/actuator/health/readiness", null).statusCode()).isEqualTo(200);
        assertThat(peer.call("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void logsNameThePeerAndNeverShowTokens() {
        String shortId = peer.status().nodeId().substring(0, 8);
        assertThat(peer.logText()).contains("[" + shortId + "]")
            .doesNotContain(PeerProcess.ADMIN_TOKEN).doesNotContain(PeerProcess.READ_TOKEN);
    }

    @Test
    @Order(5)
    void adminTokenLeavesGracefully() throws Exception {
        HttpResponse<String> r = peer.call("POST", "/api/v1/peer/leave", PeerProcess.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(202);
        peer.awaitState("LEFT", Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(10))
            .until(() -> peer.call("GET", "/actuator/health/readiness", null).statusCode() == 503);
        assertThat(peer.call("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(peer.call("POST", "/api/v1/peer/leave", PeerProcess.ADMIN_TOKEN).statusCode()).isEqualTo(409);
        peer.stop(Duration.ofSeconds(30));
        assertThat(peer.isAlive()).isFalse();
    }
}
