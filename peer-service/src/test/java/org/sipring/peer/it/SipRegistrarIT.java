package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.sipring.peer.it.Sipp.auth;
import static org.sipring.peer.it.Sipp.expect;
import static org.sipring.peer.it.Sipp.register;
import static org.sipring.peer.it.Sipp.scenario;
import static org.sipring.peer.it.Sipp.send;
import static org.sipring.peer.it.Sipp.sendTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registrar through SIPp against three real peers on 127.0.0.21-23 (UDP port 5060 each,
 * digest authentication on, MD5 offered first because SIPp 3.6 answers only the first challenge).
 * Each test uses its own AOR, so the cases share one overlay. The RFC 3261 §10.3 rule each case
 * checks is named in its comment; docs/sip.md has the whole matrix.
 */
class SipRegistrarIT {

    static final String DOMAIN = "example.com";
    static final String PASSWORD = "pw-0123";
    static final String CLIENT = "127.0.0.1";
    static LocalCluster cluster;
    static List<PeerProcess> peers;
    static Path work;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void overlay() throws IOException {
        cluster = LocalCluster.plain("SipRegistrarIT");
        work = cluster.logDir().resolve("sipp");
        peers = new ArrayList<>();
        String[] sip = {"--peer.sip.domains=" + DOMAIN, "--peer.sip.auth.algorithms=MD5,SHA-256",
            "--peer.sip.max-contacts=10", "--peer.sip.min-expires=60"};
        PeerProcess first = cluster.start(21, List.of(), withListen(sip, 21));
        first.awaitActive();
        peers.add(first);
        peers.add(cluster.start(22, List.of(first), withListen(sip, 22)));
        peers.add(cluster.start(23, List.of(first), withListen(sip, 23)));
        peers.forEach(PeerProcess::awaitActive);
        LocalCluster.awaitRing(peers, Duration.ofSeconds(60));
        for (String user : List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy")) {
            HttpResponse<String> r = peers.get(0).call("PUT", "/api/v1/subscribers/" + user + "@" + DOMAIN,
                PeerProcess.ADMIN_TOKEN, "{\"password\":\"" + PASSWORD + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    private static String[] withListen(String[] sip, int n) {
        String[] all = java.util.Arrays.copyOf(sip, sip.length + 1);
        all[sip.length] = "--peer.sip.listen=127.0.0." + n + ":5060";
        return all;
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String peer(int i) {
        return "127.0.0." + (21 + i) + ":5060";
    }

    private static Sipp.Result sipp(int peerIndex, String scenario) {
        return Sipp.run(work, scenario, CLIENT, peer(peerIndex), false, 1);
    }

    /** The 401 challenge and the digest answer, then the expected final response. */
    private static String[] authenticated(String user, int cseq, int status, String[] headers, String... checks) {
        String[] withAuth = java.util.Arrays.copyOf(headers, headers.length + 1);
        withAuth[headers.length] = auth(user, PASSWORD);
        return new String[] {send(register(user, DOMAIN, cseq, headers)), expect(401),
            send(register(user, DOMAIN, cseq + 1, withAuth)), expect(status, checks)};
    }

    private static JsonNode bindings(int peerIndex, String user) throws IOException {
        HttpResponse<String> r = peers.get(peerIndex).call("GET", "/api/v1/aors/" + user + "@" + DOMAIN,
            PeerProcess.READ_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("bindings");
    }

    // §10.3 steps 3 and 7-8: challenge at one peer, answer at another; the 200 lists the binding
    // with its expiry and a Date; the binding is visible from the third peer; refresh; removal.
    @Test
    void registerAtOnePeerRefreshAndUnregisterVisibleFromAnother() throws IOException {
        String contact = "Contact: <sip:alice@[local_ip]:[local_port]>;expires=300";
        Sipp.Result r = sipp(0, scenario(send(register("alice", DOMAIN, 1, contact)), expect(401),
            sendTo("127.0.0.22", 5060, false),
            send(register("alice", DOMAIN, 2, contact, auth("alice", PASSWORD))),
            expect(200, "Contact: <sip:alice@127\\.0\\.0\\.1:[0-9]+>;expires=(300|29[0-9])", "Date: .* GMT")));
        assertThat(r.passed()).as(r.toString()).isTrue();
        JsonNode b = bindings(2, "alice");
        assertThat(b).hasSize(1);
        assertThat(b.get(0).path("contact").asText()).startsWith("sip:alice@127.0.0.1:");
        assertThat(b.get(0).path("flow").path("transport").asText()).isEqualTo("udp");
        assertThat(b.get(0).path("flow").path("peer").asText()).isEqualTo("127.0.0.22:5060");

        // a query (no Contact) at the third peer lists it; a refresh with a higher CSeq; expires=0 removes
        Sipp.Result life = sipp(2, scenario(authenticated("alice", 10, 200, new String[0],
            "Contact: <sip:alice@127\\.0\\.0\\.1:[0-9]+>;expires=")));
        assertThat(life.passed()).as(life.toString()).isTrue();
        String second = "Contact: <sip:alice@192.0.2.7:5062>";
        Sipp.Result refresh = sipp(1, scenario(authenticated("alice", 20, 200, new String[] {second, "Expires: 600"},
            "<sip:alice@192\\.0\\.2\\.7:5062>;expires=(600|59[0-9])")));
        assertThat(refresh.passed()).as(refresh.toString()).isTrue();
        assertThat(bindings(0, "alice")).hasSize(2);
        Sipp.Result removal = sipp(1, scenario(authenticated("alice", 30, 200, new String[] {second + ";expires=0"})));
        assertThat(removal.passed()).as(removal.toString()).isTrue();
        JsonNode left = bindings(2, "alice");
        assertThat(left).hasSize(1);
        assertThat(left.get(0).path("contact").asText()).startsWith("sip:alice@127.0.0.1:");
    }

    // §10.3 step 6: Contact * with Expires 0 removes every binding; with another expiry it is a 400.
    @Test
    void wildcardRemovesEveryBinding() throws IOException {
        Sipp.Result two = sipp(0, scenario(authenticated("bob", 1, 200,
            new String[] {"Contact: <sip:bob@192.0.2.1>;expires=300", "Contact: <sip:bob@192.0.2.2>;expires=300"})));
        assertThat(two.passed()).as(two.toString()).isTrue();
        assertThat(bindings(1, "bob")).hasSize(2);
        Sipp.Result badWildcard = sipp(1, scenario(authenticated("bob", 10, 400, new String[] {"Contact: *", "Expires: 60"})));
        assertThat(badWildcard.passed()).as(badWildcard.toString()).isTrue();
        assertThat(bindings(2, "bob")).hasSize(2);
        Sipp.Result wildcard = sipp(2, scenario(authenticated("bob", 20, 200, new String[] {"Contact: *", "Expires: 0"})));
        assertThat(wildcard.passed()).as(wildcard.toString()).isTrue();
        assertThat(bindings(0, "bob")).isEmpty();
    }

    // §10.3 step 7: an expiry under the minimum is refused with 423 and Min-Expires; nothing is stored.
    @Test
    void tooBriefIntervalGets423WithMinExpires() throws IOException {
        Sipp.Result r = sipp(0, scenario(authenticated("carol", 1, 423, new String[] {"Contact: <sip:carol@192.0.2.3>;expires=10"},
            "Min-Expires: 60")));
        assertThat(r.passed()).as(r.toString()).isTrue();
        assertThat(bindings(1, "carol")).isEmpty();
    }

    // §10.3 step 7: a REGISTER with a lower CSeq than the binding's, same Call-ID, is refused; a
    // retransmission of the applied one, through another peer, gets the current 200. (SIPp ignores
    // a response with a CSeq below one it already sent, so the stale REGISTER is a second SIPp run
    // with the same Call-ID.)
    @Test
    void staleCSeqRefusedAndRetransmissionThroughAnotherPeerAnswered() throws IOException {
        String[] sameCallId = {"-cid_str", "dave-%u@sipring.test"};
        String contact = "Contact: <sip:dave@192.0.2.4>;expires=300";
        Sipp.Result r = Sipp.run(work, scenario(
            send(register("dave", DOMAIN, 5, contact)), expect(401),
            send(register("dave", DOMAIN, 6, contact, auth("dave", PASSWORD))), expect(200),
            sendTo("127.0.0.23", 5060, false),
            send(register("dave", DOMAIN, 6, contact, auth("dave", PASSWORD))),
            expect(200, "Contact: <sip:dave@192\\.0\\.2\\.4>;expires=")), CLIENT, peer(0), false, 1, sameCallId);
        assertThat(r.passed()).as(r.toString()).isTrue();
        Sipp.Result stale = Sipp.run(work, scenario(authenticated("dave", 3, 400,
            new String[] {"Contact: <sip:dave@192.0.2.4>;expires=600"})), CLIENT, peer(1), false, 1, sameCallId);
        assertThat(stale.passed()).as(stale.toString()).isTrue();
        JsonNode b = bindings(1, "dave");
        assertThat(b).hasSize(1);
        assertThat(b.get(0).path("cseq").asLong()).isEqualTo(6);
        assertThat(b.get(0).path("callId").asText()).isEqualTo("dave-1@sipring.test");
    }

    // Configured maximum of contacts per AOR: over it, 403 and nothing written.
    @Test
    void moreContactsThanTheMaximumGets403() throws IOException {
        List<String> ten = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            ten.add("Contact: <sip:erin@192.0.2.5:" + (5000 + i) + ">;expires=300");
        }
        Sipp.Result full = sipp(0, scenario(authenticated("erin", 1, 200, ten.toArray(String[]::new))));
        assertThat(full.passed()).as(full.toString()).isTrue();
        Sipp.Result over = sipp(1, scenario(authenticated("erin", 10, 403,
            new String[] {"Contact: <sip:erin@192.0.2.5:6000>;expires=300"})));
        assertThat(over.passed()).as(over.toString()).isTrue();
        assertThat(bindings(2, "erin")).hasSize(10);
    }

    // §22 / RFC 2617: a wrong password is challenged again; credentials of another user get 403.
    @Test
    void wrongPasswordAndAnotherUsersCredentialsAreRefused() throws IOException {
        String contact = "Contact: <sip:frank@192.0.2.6>;expires=300";
        Sipp.Result wrong = sipp(0, scenario(send(register("frank", DOMAIN, 1, contact)), expect(401),
            send(register("frank", DOMAIN, 2, contact, "[authentication username=frank password=nope]")), expect(401)));
        assertThat(wrong.passed()).as(wrong.toString()).isTrue();
        Sipp.Result other = sipp(1, scenario(send(register("frank", DOMAIN, 1, contact)), expect(401),
            send(register("frank", DOMAIN, 2, contact, "[authentication username=grace password=" + PASSWORD + "]")),
            expect(403)));
        assertThat(other.passed()).as(other.toString()).isTrue();
        assertThat(bindings(2, "frank")).isEmpty();
    }

    // Concurrent REGISTERs for one AOR through three peers never lose a binding.
    @Test
    void concurrentRegistersThroughThreePeersKeepEveryBinding() throws Exception {
        List<CompletableFuture<Sipp.Result>> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int peer = i;
            String contact = "Contact: <sip:grace@192.0.2." + (10 + i) + ":[call_number]>;expires=300";
            runs.add(CompletableFuture.supplyAsync(() -> Sipp.run(work, scenario(authenticated("grace", 1, 200,
                new String[] {contact})), CLIENT, peer(peer), false, 3, "-l", "3")));
        }
        for (CompletableFuture<Sipp.Result> run : runs) {
            Sipp.Result r = run.get();
            assertThat(r.passed()).as(r.toString()).isTrue();
        }
        assertThat(bindings(0, "grace")).hasSize(9);
    }

    // RFC 3327 Path is stored and returned; RFC 5626 instance and reg-id key the binding and the
    // 200 says Require: outbound with a Flow-Timer; over TCP the flow is recorded as tcp.
    @Test
    void pathAndOutboundOverTcp() throws IOException {
        String[] headers = {"Supported: path, outbound", "Path: <sip:edge.example.net;lr>",
            "Contact: <sip:heidi@[local_ip]:[local_port];transport=tcp;ob>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>\";reg-id=1;expires=300"};
        Sipp.Result r = Sipp.run(work, scenario(authenticated("heidi", 1, 200, headers,
            "Path: <sip:edge\\.example\\.net;lr>", "Require: outbound", "Flow-Timer: [0-9]+", "reg-id=1")),
            CLIENT, peer(1), true, 1);
        assertThat(r.passed()).as(r.toString()).isTrue();
        JsonNode b = bindings(0, "heidi");
        assertThat(b).hasSize(1);
        assertThat(b.get(0).path("path").get(0).asText()).isEqualTo("<sip:edge.example.net;lr>");
        assertThat(b.get(0).path("instanceId").asText()).isEqualTo("<urn:uuid:00000000-0000-1000-8000-000A95A0E128>");
        assertThat(b.get(0).path("regId").asInt()).isEqualTo(1);
        assertThat(b.get(0).path("flow").path("transport").asText()).isEqualTo("tcp");
    }

    // §10.3 steps 1 and 2: a domain not served here is refused (403); an unknown required extension gets 420.
    @Test
    void otherDomainsAndUnknownExtensionsAreRefused() {
        Sipp.Result other = sipp(0, scenario(send(register("ivan", "example.org", 1, "Contact: <sip:ivan@192.0.2.9>")),
            expect(403)));
        assertThat(other.passed()).as(other.toString()).isTrue();
        Sipp.Result require = sipp(1, scenario(send(register("ivan", DOMAIN, 1, "Require: frobnication",
            "Contact: <sip:ivan@192.0.2.9>")), expect(420, "Unsupported: frobnication")));
        assertThat(require.passed()).as(require.toString()).isTrue();
    }

    // OPTIONS to the peer itself is answered (load balancer and keep-alive probes).
    @Test
    void optionsToThePeerIsAnswered() {
        String options = """
            OPTIONS sip:127.0.0.23:5060 SIP/2.0
            Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
            From: <sip:probe@[local_ip]>;tag=[call_number]
            To: <sip:127.0.0.23:5060>
            Call-ID: [call_id]
            CSeq: 1 OPTIONS
            Max-Forwards: 70
            Content-Length: 0
            """;
        Sipp.Result r = sipp(2, scenario(send(options), expect(200, "Allow: .*REGISTER")));
        assertThat(r.passed()).as(r.toString()).isTrue();
    }

    @Test
    void bindingsCanBeRemovedByRest() throws IOException {
        Sipp.Result r = sipp(0, scenario(authenticated("judy", 1, 200, new String[] {"Contact: <sip:judy@192.0.2.11>;expires=300"})));
        assertThat(r.passed()).as(r.toString()).isTrue();
        HttpResponse<String> removed = peers.get(2).call("DELETE", "/api/v1/aors/judy@" + DOMAIN, PeerProcess.ADMIN_TOKEN);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(JSON.readTree(removed.body()).path("removed").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(bindings(1, "judy")).isEmpty());
    }
}
