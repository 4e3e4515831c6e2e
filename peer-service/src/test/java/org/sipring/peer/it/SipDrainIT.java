package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Draining a peer that serves SIP (RFC 5626 §4.4 from the server's side): once the drain starts
 * it fails health probes (OPTIONS to the peer gets 503) so a load balancer takes it out; once it
 * has left, it closes the TCP connections its user agents registered on, so they register again
 * through another peer; their bindings were handed over and are still there. Two peers on
 * 127.0.0.46-47.
 */
class SipDrainIT {

    private static final String DOMAIN = "example.coop";

    @Test
    void aDrainingPeerFailsHealthProbesAndClosesItsUserAgentsConnectionsOnceItHasLeft() throws Exception {
        try (LocalCluster cluster = LocalCluster.plain("SipDrainIT")) {
            PeerProcess staying = cluster.start(46, List.of(), sip(46));
            staying.awaitActive();
            PeerProcess leaving = cluster.start(47, List.of(staying), sip(47));
            LocalCluster.awaitRing(List.of(staying, leaving), Duration.ofSeconds(60));
            try (TcpUa ua = new TcpUa("127.0.0.47", 5060)) {
                assertThat(ua.register("hank", DOMAIN, null)).startsWith("SIP/2.0 200");
                assertThat(probe()).contains(200);

                HttpResponse<String> drain = leaving.call("POST", "/api/v1/peer/drain", PeerProcess.ADMIN_TOKEN);
                assertThat(drain.statusCode()).isEqualTo(202);
                await("health probes fail").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> probe().orElse(0) == 503);
                leaving.awaitState("LEFT", Duration.ofSeconds(60));
                assertThat(ua.closedByPeer(Duration.ofSeconds(10))).as("the peer closed the user agent's connection").isTrue();
            }
            HttpResponse<String> bindings = staying.call("GET", "/api/v1/aors/hank@" + DOMAIN, PeerProcess.ADMIN_TOKEN);
            assertThat(bindings.statusCode()).isEqualTo(200);
            assertThat(bindings.body()).contains("sip:hank@127.0.0.1:");
        }
    }

    private static Optional<Integer> probe() {
        String options = """
            OPTIONS sip:127.0.0.47:5060 SIP/2.0\r
            Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK%s;rport\r
            From: <sip:lb@%s>;tag=lb\r
            To: <sip:127.0.0.47:5060>\r
            Call-ID: %s@lb\r
            CSeq: 1 OPTIONS\r
            Max-Forwards: 70\r
            Content-Length: 0\r
            \r
            """.formatted(Long.toHexString(System.nanoTime()), DOMAIN, Long.toHexString(System.nanoTime()));
        return RawSip.udp("127.0.0.47", 5060, options.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2))
            .map(RawSip::status);
    }

    private static String[] sip(int n) {
        return new String[] {"--peer.sip.domains=" + DOMAIN, "--peer.sip.auth.enabled=false",
            "--peer.sip.listen=127.0.0." + n + ":5060"};
    }
}
