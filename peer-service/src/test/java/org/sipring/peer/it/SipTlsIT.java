package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipring.peer.it.Sipp.expect;
import static org.sipring.peer.it.Sipp.scenario;
import static org.sipring.peer.it.Sipp.send;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * SIP over TLS (peer.sip.tls.*): a user agent that trusts the overlay's CA registers over TLS at
 * peer 1 (port 5061, the peer's own certificate), and a request for it entering peer 2 over UDP
 * reaches it on that TLS connection. Two peers on 127.0.0.48-49, the overlay itself on TLS too.
 */
class SipTlsIT {

    private static final String DOMAIN = "example.museum";

    @Test
    void aUserAgentRegistersOverTlsAndIsReachedOnItsTlsConnection() throws Exception {
        try (LocalCluster cluster = LocalCluster.withTls("SipTlsIT")) {
            PeerProcess first = cluster.start(48, List.of(), sip(cluster, 48));
            first.awaitActive();
            PeerProcess second = cluster.start(49, List.of(first), sip(cluster, 49));
            LocalCluster.awaitRing(List.of(first, second), Duration.ofSeconds(60));

            try (TcpUa ua = new TcpUa("127.0.0.48", 5061, trusting(cluster.pkiDir().resolve("ca.crt")))) {
                int port = ua.localPort();
                assertThat(ua.register("ivy", DOMAIN, "00000000-0000-0000-0000-0000000000a1")).startsWith("SIP/2.0 200");
                String bindings = first.call("GET", "/api/v1/aors/ivy@" + DOMAIN, PeerProcess.ADMIN_TOKEN).body();
                assertThat(bindings).contains("\"transport\":\"tls\"");

                Path work = cluster.logDir().resolve("sipp");
                Sipp.Running caller = Sipp.start(work, scenario(send(Sipp.request("OPTIONS", "ivy", DOMAIN)),
                    expect(200)), "127.0.0.1", Sipp.freePort("127.0.0.1"),
                    "127.0.0.49:5060", false, 1);
                String request = ua.read(Duration.ofSeconds(20));
                assertThat(request).startsWith("OPTIONS sip:ivy@127.0.0.1:" + port).contains("SIP/2.0/TLS 127.0.0.48:5061");
                ua.send(TcpUa.answer(request, "200 OK"));
                Sipp.Result reached = caller.finish();
                assertThat(reached.passed()).as("%s", reached).isTrue();
            }
        }
    }

    private static String[] sip(LocalCluster cluster, int n) {
        Path pki = cluster.pkiDir();
        return new String[] {"--peer.sip.domains=" + DOMAIN, "--peer.sip.auth.enabled=false",
            "--peer.sip.listen=127.0.0." + n + ":5060", "--peer.sip.tls.enabled=true",
            "--peer.sip.tls.certificate=" + pki.resolve("peer" + n + ".crt"),
            "--peer.sip.tls.private-key=" + pki.resolve("peer" + n + ".key")};
    }

    private static SSLSocketFactory trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx.getSocketFactory();
    }
}
