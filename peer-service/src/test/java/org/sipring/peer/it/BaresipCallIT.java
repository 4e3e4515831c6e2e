package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call between two real SIP user agents (baresip 1.0.0) through three real peers on
 * 127.0.0.41-43 (SIP on UDP 5060, digest authentication on). Alice registers through peer 1,
 * Bob through peer 2 and answers automatically; Alice's outbound proxy for calls is peer 3, so
 * her INVITE enters the overlay there: peer 3 looks Bob up, finds his flow held by peer 2 and
 * sends the INVITE to peer 2 with that flow's token in a Route, and peer 2 sends it on Bob's
 * flow. The ACK and the BYE follow the Record-Route. Each user agent's SIP trace shows every
 * hop; baresip's call events (over its control port) show the call established and closed on
 * both sides.
 *
 * <p>The peers offer MD5 digests only: baresip's SIP library answers a 401 only when every
 * challenge in it is MD5, so an additional SHA-256 challenge makes it give up.
 */
class BaresipCallIT {

    static final String DOMAIN = "example.org";
    static final String UA = "127.0.0.1";
    static final Duration CALL_STEP = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static LocalCluster cluster;
    static List<PeerProcess> peers;
    static final List<Baresip> agents = new ArrayList<>();

    @BeforeAll
    static void overlay() throws IOException {
        cluster = LocalCluster.plain("BaresipCallIT");
        peers = new ArrayList<>();
        PeerProcess first = cluster.start(41, List.of(), sip(41));
        first.awaitActive();
        peers.add(first);
        peers.add(cluster.start(42, List.of(first), sip(42)));
        peers.add(cluster.start(43, List.of(first), sip(43)));
        peers.forEach(PeerProcess::awaitActive);
        LocalCluster.awaitRing(peers, Duration.ofSeconds(60));
        for (String user : List.of("alice", "bob")) {
            HttpResponse<String> r = peers.get(0).call("PUT", "/api/v1/subscribers/" + user + "@" + DOMAIN,
                PeerProcess.ADMIN_TOKEN, "{\"password\":\"" + password(user) + "\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    private static String[] sip(int n) {
        return new String[] {"--peer.sip.domains=" + DOMAIN, "--peer.sip.auth.algorithms=MD5",
            "--peer.sip.listen=127.0.0." + n + ":5060", "--logging.level.org.sipring.peer.sip=DEBUG"};
    }

    @AfterAll
    static void stop() {
        agents.forEach(Baresip::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String password(String user) {
        return "pw-" + user + "-0123";
    }

    /** SIP address of peer i (0-based) of the three. */
    private static String peer(int i) {
        return "127.0.0." + (41 + i) + ":5060";
    }

    private static Baresip agent(String user, String... accounts) {
        Baresip b = Baresip.start(cluster.logDir().resolve(user), user, UA, List.of(accounts));
        agents.add(b);
        return b;
    }

    private static JsonNode bindings(int peerIndex, String user) throws IOException {
        HttpResponse<String> r = peers.get(peerIndex).call("GET", "/api/v1/aors/" + user + "@" + DOMAIN,
            PeerProcess.READ_TOKEN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).path("bindings");
    }

    /** Waits until the user agent's one binding is visible at peer 3 with its flow at the given peer. */
    private static void awaitRegistered(Baresip ua, int flowPeer) {
        await(ua.name() + " registered").atMost(CALL_STEP).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            ua.assertAlive();
            JsonNode b = bindings(2, ua.name());
            assertThat(b).as("%s's bindings", ua.name()).hasSize(1);
            assertThat(b.get(0).path("contact").asText()).endsWith("@" + ua.sipAddress());
            assertThat(b.get(0).path("flow").path("transport").asText()).isEqualTo("udp");
            assertThat(b.get(0).path("flow").path("port").asInt()).isEqualTo(ua.sipPort());
            assertThat(b.get(0).path("flow").path("peer").asText()).isEqualTo(peer(flowPeer));
        });
    }

    private static Predicate<Baresip.SipMessage> in(String callId) {
        return m -> callId.equals(m.callId());
    }

    /** The first message {@code ua} sent that matches {@code p} (over UDP a loaded machine may retransmit). */
    private static Baresip.SipMessage sent(Baresip ua, String what, Predicate<Baresip.SipMessage> p) {
        return first(ua, what + " sent", p.and(m -> m.source().equals(ua.sipAddress())));
    }

    /** The first message {@code ua} received that matches {@code p}. */
    private static Baresip.SipMessage received(Baresip ua, String what, Predicate<Baresip.SipMessage> p) {
        return first(ua, what + " received", p.and(m -> m.destination().equals(ua.sipAddress())));
    }

    private static Baresip.SipMessage first(Baresip ua, String what, Predicate<Baresip.SipMessage> p) {
        List<Baresip.SipMessage> found = ua.trace().stream().filter(p).toList();
        assertThat(found).as("%s: %s in\n%s", ua.name(), what, ua.trace()).isNotEmpty();
        return found.get(0);
    }

    private static Predicate<Baresip.SipMessage> request(String method) {
        return m -> m.isRequest(method);
    }

    private static Predicate<Baresip.SipMessage> ok(String method) {
        return m -> m.status() == 200 && m.cseqMethod().equals(method);
    }

    private static String hostPort(String nameAddr) {
        String uri = nameAddr.substring(nameAddr.indexOf('<') + 1, nameAddr.indexOf('>'));
        String afterUser = uri.substring(uri.indexOf('@') + 1);
        int semicolon = afterUser.indexOf(';');
        return semicolon < 0 ? afterUser : afterUser.substring(0, semicolon);
    }

    private static String viaSentBy(String via) {
        String v = via.substring(via.indexOf(' ') + 1);
        int semicolon = v.indexOf(';');
        return semicolon < 0 ? v : v.substring(0, semicolon);
    }

    @Test
    void aliceAtPeer1CallsBobAtPeer2ThroughPeer3AndHangsUp() throws IOException {
        Baresip bob = agent("bob",
            "<sip:bob@" + DOMAIN + ">;auth_pass=" + password("bob") + ";outbound=\"sip:127.0.0.42\";regint=600"
                + ";answermode=auto");
        // the first account is the one baresip dials from: no registration, calls through peer 3;
        // the second registers Alice through peer 1
        Baresip alice = agent("alice",
            "<sip:alice@" + DOMAIN + ">;auth_pass=" + password("alice") + ";outbound=\"sip:127.0.0.43\";regint=0",
            "<sip:alice@" + DOMAIN + ">;auth_pass=" + password("alice") + ";outbound=\"sip:127.0.0.41\";regint=600");
        awaitRegistered(bob, 1);
        awaitRegistered(alice, 0);

        alice.command("dial", "sip:bob@" + DOMAIN);
        Baresip.Event aliceUp = alice.awaitEvent("CALL_ESTABLISHED", CALL_STEP);
        Baresip.Event bobUp = bob.awaitEvent("CALL_ESTABLISHED", CALL_STEP);
        String callId = aliceUp.id();
        assertThat(bobUp.id()).as("one call, one Call-ID").isEqualTo(callId);
        assertThat(aliceUp.direction()).isEqualTo("outgoing");
        assertThat(bobUp.direction()).isEqualTo("incoming");
        assertThat(bobUp.peerUri()).isEqualTo("sip:alice@" + DOMAIN);
        // the call stays up until audio has arrived at both ends (over 127.0.0.1)
        alice.awaitEvent("CALL_RTPESTAB", CALL_STEP);
        bob.awaitEvent("CALL_RTPESTAB", CALL_STEP);

        alice.command("hangup", null);
        assertThat(alice.awaitEvent("CALL_CLOSED", CALL_STEP).id()).isEqualTo(callId);
        Baresip.Event bobClosed = bob.awaitEvent("CALL_CLOSED", CALL_STEP);
        assertThat(bobClosed.id()).isEqualTo(callId);
        assertThat(bobClosed.param()).as("Bob's call ends by Alice's BYE").isEqualTo("Connection reset by peer");
        await("the BYE answered").atMost(CALL_STEP).pollInterval(Duration.ofMillis(100))
            .until(() -> alice.trace().stream().anyMatch(in(callId).and(ok("BYE"))));

        // quitting unregisters both through their peers; the traces are complete once they exited
        for (Baresip ua : List.of(alice, bob)) {
            ua.send("quit", null);
        }
        for (Baresip ua : List.of(alice, bob)) {
            assertThat(ua.awaitExit(CALL_STEP)).as("%s's exit code", ua.name()).isZero();
        }
        assertThat(bindings(2, "alice")).isEmpty();
        assertThat(bindings(2, "bob")).isEmpty();

        // Alice -> peer 3: the INVITE enters the overlay at peer 3
        Baresip.SipMessage invite = sent(alice, "the INVITE", in(callId).and(request("INVITE")));
        assertThat(invite.destination()).isEqualTo(peer(2));
        assertThat(invite.requestUri()).isEqualTo("sip:bob@" + DOMAIN);
        assertThat(invite.body()).contains("c=IN IP4 127.0.0.1");

        // peer 2 -> Bob, on his registered flow, to his contact; peer 3 and then peer 2 on the way
        Baresip.SipMessage delivered = received(bob, "the INVITE", in(callId).and(request("INVITE")));
        assertThat(delivered.source()).isEqualTo(peer(1));
        assertThat(delivered.requestUri()).matches("sip:bob-[^@]*@" + bob.sipAddress().replace(".", "\\."));
        assertThat(delivered.headers("Via").stream().map(BaresipCallIT::viaSentBy).toList())
            .containsExactly(peer(1), peer(2), alice.sipAddress());
        assertThat(delivered.headers("Route")).as("peer 2 consumed its flow-token Route").isEmpty();
        List<String> recordRoute = delivered.headers("Record-Route");
        assertThat(recordRoute.stream().map(BaresipCallIT::hostPort).toList()).containsExactly(peer(1), peer(2));
        assertThat(recordRoute).as("each peer records the flow token of the user agent it holds")
            .allMatch(rr -> rr.matches("<sip:[A-Za-z0-9_-]+@[0-9.:]+;lr>"));

        // Bob's 200 reaches Alice through peer 2 and peer 3 with the same Record-Route
        assertThat(sent(bob, "the 200 to the INVITE", in(callId).and(ok("INVITE"))).destination()).isEqualTo(peer(1));
        Baresip.SipMessage answer = received(alice, "the 200 to the INVITE", in(callId).and(ok("INVITE")));
        assertThat(answer.source()).isEqualTo(peer(2));
        assertThat(answer.headers("Record-Route")).containsExactlyElementsOf(recordRoute);
        assertThat(answer.body()).contains("c=IN IP4 127.0.0.1");

        // ACK and BYE follow the route set: Alice -> peer 3 -> peer 2 -> Bob; the BYE's 200 back
        for (String method : List.of("ACK", "BYE")) {
            Baresip.SipMessage out = sent(alice, method, in(callId).and(request(method)));
            assertThat(out.destination()).as(method).isEqualTo(peer(2));
            assertThat(out.headers("Route").stream().map(BaresipCallIT::hostPort).toList()).as(method)
                .containsExactly(peer(2), peer(1));
            Baresip.SipMessage arrived = received(bob, method, in(callId).and(request(method)));
            assertThat(arrived.source()).as(method).isEqualTo(peer(1));
            assertThat(arrived.requestUri()).as(method).isEqualTo(delivered.requestUri());
        }
        assertThat(sent(bob, "the 200 to the BYE", in(callId).and(ok("BYE"))).destination()).isEqualTo(peer(1));
        assertThat(received(alice, "the 200 to the BYE", in(callId).and(ok("BYE"))).source()).isEqualTo(peer(2));

        // the peers' own account of the hops: peer 3 sends to peer 2, peer 2 on Bob's flow
        String bobContact = delivered.requestUri();
        assertThat(peers.get(2).logText()).contains("INVITE sip:bob@" + DOMAIN + " branch 0: " + bobContact + " via "
            + peer(1) + "/UDP");
        assertThat(peers.get(1).logText()).contains("INVITE " + bobContact + " branch 0: " + bobContact + " via "
            + bob.sipAddress() + "/UDP");

        // nothing refused along the way: the only error responses are the REGISTER challenges
        for (Baresip ua : List.of(alice, bob)) {
            assertThat(ua.trace()).as("%s's error responses", ua.name())
                .filteredOn(m -> m.status() >= 300 && !(m.status() == 401 && m.cseqMethod().equals("REGISTER")))
                .isEmpty();
        }
        for (PeerProcess p : peers) {
            assertThat(p.logText()).as("%s's log", p.name())
                .doesNotContainPattern("(WARN|ERROR) .*org\\.sipring\\.peer\\.sip");
        }
    }
}
