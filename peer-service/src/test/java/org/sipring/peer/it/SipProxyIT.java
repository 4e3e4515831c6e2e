package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.sipring.peer.it.Sipp.expect;
import static org.sipring.peer.it.Sipp.register;
import static org.sipring.peer.it.Sipp.scenario;
import static org.sipring.peer.it.Sipp.send;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Calls routed by the overlay, with SIPp as callers and callees against three real peers on
 * 127.0.0.31-33 (SIP on UDP 5060, authentication off) and a fourth in redirect mode on
 * 127.0.0.34. A callee registers from the port its SIPp then answers on, through one peer; the
 * caller sends through another; so every call crosses the overlay: the lookup at the AOR's
 * responsible peer, the flow owner reached through its flow token, Record-Route for the ACK and
 * BYE.
 */
class SipProxyIT {

    static final String DOMAIN = "example.net";
    static final String UA = "127.0.0.1";
    static LocalCluster cluster;
    static List<PeerProcess> peers;
    static Path work;

    @BeforeAll
    static void overlay() throws IOException {
        cluster = LocalCluster.plain("SipProxyIT");
        work = cluster.logDir().resolve("sipp");
        peers = new ArrayList<>();
        PeerProcess first = cluster.start(31, List.of(), sip(31, "proxy"));
        first.awaitActive();
        peers.add(first);
        peers.add(cluster.start(32, List.of(first), sip(32, "proxy")));
        peers.add(cluster.start(33, List.of(first), sip(33, "proxy")));
        peers.add(cluster.start(34, List.of(first), sip(34, "redirect")));
        peers.forEach(PeerProcess::awaitActive);
        LocalCluster.awaitRing(peers, Duration.ofSeconds(60));
    }

    private static String[] sip(int n, String routing) {
        return new String[] {"--peer.sip.domains=" + DOMAIN, "--peer.sip.auth.enabled=false",
            "--peer.sip.listen=127.0.0." + n + ":5060", "--peer.sip.routing=" + routing, "--logging.level.org.sipring.peer.sip=DEBUG"};
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String peer(int i) {
        return "127.0.0." + (31 + i) + ":5060";
    }

    /** Registers {@code user} with a contact on UA:port, from that port, through a peer. */
    private static void registerFrom(int port, String user, int peerIndex, String q) {
        Sipp.Result r = Sipp.start(work, scenario(
            send(register(user, DOMAIN, 1, "Contact: <sip:" + user + "@[local_ip]:[local_port]>" + q, "Expires: 600")),
            expect(200)), UA, port, peer(peerIndex), false, 1).finish();
        assertThat(r.passed()).as("%s", r).isTrue();
    }

    private static String invite(String user) {
        return Sipp.request("INVITE", user, DOMAIN, "Contact: <sip:caller@[local_ip]:[local_port]>");
    }

    /** ACK and BYE for the dialog of the last 200 (route set and remote target recorded with rrs). */
    private static String[] ackAndBye(String user) {
        String common = """
            Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
            [routes]
            From: <sip:caller@%s>;tag=[call_number]
            To: <sip:%s@%s>[peer_tag_param]
            Call-ID: [call_id]
            Max-Forwards: 70
            Content-Length: 0
            """.formatted(DOMAIN, user, DOMAIN);
        return new String[] {
            "<send><![CDATA[\nACK [next_url] SIP/2.0\n" + common.replace("Max-Forwards", "CSeq: 1 ACK\nMax-Forwards")
                + "\n]]></send>",
            // the ACK is sent statelessly and the BYE statefully, through the same peers on other
            // threads: a caller that hangs up at once could see its BYE overtake its ACK
            "<pause milliseconds=\"200\"/>",
            send("BYE [next_url] SIP/2.0\n" + common.replace("Max-Forwards", "CSeq: 2 BYE\nMax-Forwards")),
            expect(200)};
    }

    private static String response(String status, boolean withRecordRoute) {
        return "SIP/2.0 " + status + "\n[last_Via:]\n[last_From:]\n[last_To:];tag=[pid]callee[call_number]\n"
            + "[last_Call-ID:]\n[last_CSeq:]\n" + (withRecordRoute ? "[last_Record-Route:]\n" : "")
            + "Contact: <sip:callee@[local_ip]:[local_port]>\nContent-Length: 0\n";
    }

    private static String reply(String status, boolean withRecordRoute) {
        return "<send><![CDATA[\n" + response(status, withRecordRoute) + "\n]]></send>";
    }

    /** A callee that rings and answers, then takes the ACK and the BYE (both must reach it). */
    private static String answeringCallee() {
        return scenario("<recv request=\"INVITE\"/>", reply("180 Ringing", true), reply("200 OK", true),
            "<recv request=\"ACK\"/>", "<recv request=\"BYE\"/>", reply("200 OK", false));
    }

    @Test
    void aCallThroughAThirdPeerIsAnsweredAndHungUpAlongTheRecordRoute() {
        int calleePort = Sipp.freePort(UA);
        registerFrom(calleePort, "bob", 0, "");
        Sipp.Running callee = Sipp.start(work, answeringCallee(), UA, calleePort, null, false, 1);
        List<String> steps = new ArrayList<>(List.of(send(invite("bob")),
            "<recv response=\"100\" optional=\"true\"/>", "<recv response=\"180\" optional=\"true\"/>",
            "<recv response=\"200\" rrs=\"true\"><action><ereg regexp=\"Record-Route:.*127\\.0\\.0\\.3[123]:5060\" "
                + "search_in=\"msg\" check_it=\"true\" assign_to=\"m\"/></action></recv>"));
        steps.addAll(List.of(ackAndBye("bob")));
        Sipp.Result caller = Sipp.run(work, scenario(steps.toArray(String[]::new)), UA, peer(2), false, 1);
        assertThat(caller.passed()).as("caller %s", caller).isTrue();
        Sipp.Result answered = callee.finish();
        assertThat(answered.passed()).as("callee %s", answered).isTrue();
    }

    @Test
    void anUnknownAorIs404AndAKnownOneWithoutContactIs480() throws IOException {
        Sipp.Result unknown = Sipp.run(work, scenario(send(invite("nobody")),
            "<recv response=\"100\" optional=\"true\"/>", expect(404)), UA, peer(1), false, 1);
        assertThat(unknown.passed()).as("%s", unknown).isTrue();
        HttpResponse<String> put = peers.get(0).call("PUT", "/api/v1/subscribers/olivia@" + DOMAIN,
            PeerProcess.ADMIN_TOKEN, "{\"password\":\"secret-olivia\"}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        Sipp.Result offline = Sipp.run(work, scenario(send(invite("olivia")),
            "<recv response=\"100\" optional=\"true\"/>", expect(480)), UA, peer(2), false, 1);
        assertThat(offline.passed()).as("%s", offline).isTrue();
    }

    @Test
    void maxForwardsZeroIs483() {
        Sipp.Result r = Sipp.run(work, scenario(send(invite("bob").replace("Max-Forwards: 70", "Max-Forwards: 0")),
            expect(483)), UA, peer(1), false, 1);
        assertThat(r.passed()).as("%s", r).isTrue();
    }

    @Test
    void aBusyFirstChoiceFallsBackToTheLowerQContact() {
        int busyPort = Sipp.freePort(UA);
        int freePort = Sipp.freePort(UA);
        registerFrom(busyPort, "carol", 0, ";q=0.9");
        registerFrom(freePort, "carol", 1, ";q=0.5");
        Sipp.Running busy = Sipp.start(work, scenario("<recv request=\"INVITE\"/>", reply("486 Busy Here", false),
            "<recv request=\"ACK\"/>"), UA, busyPort, null, false, 1);
        Sipp.Running free = Sipp.start(work, answeringCallee(), UA, freePort, null, false, 1);
        List<String> steps = new ArrayList<>(List.of(send(invite("carol")),
            "<recv response=\"100\" optional=\"true\"/>", "<recv response=\"180\" optional=\"true\"/>",
            "<recv response=\"200\" rrs=\"true\"/>"));
        steps.addAll(List.of(ackAndBye("carol")));
        Sipp.Result caller = Sipp.run(work, scenario(steps.toArray(String[]::new)), UA, peer(2), false, 1);
        assertThat(caller.passed()).as("caller %s", caller).isTrue();
        assertThat(busy.finish().passed()).as("the q=0.9 contact was tried first").isTrue();
        assertThat(free.finish().passed()).isTrue();
    }

    @Test
    void equalQContactsRingInParallelAndTheLoserIsCancelled() {
        int ringPort = Sipp.freePort(UA);
        int answerPort = Sipp.freePort(UA);
        registerFrom(ringPort, "dave", 1, "");
        registerFrom(answerPort, "dave", 2, "");
        Sipp.Running ringing = Sipp.start(work, scenario("<recv request=\"INVITE\"/>", reply("180 Ringing", true),
            "<recv request=\"CANCEL\"/>",
            "<send><![CDATA[\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:];tag=[pid]callee[call_number]\n"
                + "[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n\n]]></send>",
            "<send><![CDATA[\nSIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n"
                + "[last_To:];tag=[pid]callee[call_number]\n[last_Call-ID:]\nCSeq: 1 INVITE\nContent-Length: 0\n\n]]></send>",
            "<recv request=\"ACK\"/>"), UA, ringPort, null, false, 1);
        Sipp.Running answering = Sipp.start(work, scenario("<recv request=\"INVITE\"/>", reply("180 Ringing", true),
            "<pause milliseconds=\"300\"/>", reply("200 OK", true), "<recv request=\"ACK\"/>",
            "<recv request=\"BYE\"/>", reply("200 OK", false)), UA, answerPort, null, false, 1);
        List<String> steps = new ArrayList<>(List.of(send(invite("dave")),
            "<recv response=\"100\" optional=\"true\"/>", "<recv response=\"180\" optional=\"true\"/>",
            "<recv response=\"180\" optional=\"true\"/>", "<recv response=\"200\" rrs=\"true\"/>"));
        steps.addAll(List.of(ackAndBye("dave")));
        Sipp.Result caller = Sipp.run(work, scenario(steps.toArray(String[]::new)), UA, peer(0), false, 1);
        assertThat(caller.passed()).as("caller %s", caller).isTrue();
        assertThat(answering.finish().passed()).isTrue();
        Sipp.Result cancelled = ringing.finish();
        assertThat(cancelled.passed()).as("the ringing contact is cancelled %s", cancelled).isTrue();
    }

    @Test
    void theCallerCancelsARingingCall() {
        int port = Sipp.freePort(UA);
        registerFrom(port, "erin", 0, "");
        Sipp.Running callee = Sipp.start(work, scenario("<recv request=\"INVITE\"/>", reply("180 Ringing", true),
            "<recv request=\"CANCEL\"/>",
            "<send><![CDATA[\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\n"
                + "Content-Length: 0\n\n]]></send>",
            "<send><![CDATA[\nSIP/2.0 487 Request Terminated\n[last_Via:]\n[last_From:]\n"
                + "[last_To:];tag=[pid]callee[call_number]\n[last_Call-ID:]\nCSeq: 1 INVITE\nContent-Length: 0\n\n]]></send>",
            "<recv request=\"ACK\"/>"), UA, port, null, false, 1);
        String cancel = """
            CANCEL sip:erin@%s SIP/2.0
            [last_Via:]
            From: <sip:caller@%s>;tag=[call_number]
            To: <sip:erin@%s>
            Call-ID: [call_id]
            CSeq: 1 CANCEL
            Max-Forwards: 70
            Content-Length: 0
            """.formatted(DOMAIN, DOMAIN, DOMAIN);
        String ack = """
            ACK sip:erin@%s SIP/2.0
            [last_Via:]
            From: <sip:caller@%s>;tag=[call_number]
            To: <sip:erin@%s>[peer_tag_param]
            Call-ID: [call_id]
            CSeq: 1 ACK
            Max-Forwards: 70
            Content-Length: 0
            """.formatted(DOMAIN, DOMAIN, DOMAIN);
        // CANCEL and the ACK of the 487 carry the INVITE's branch (RFC 3261 §9.1, §17.1.1.3)
        String via = "Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=z9hG4bK-[pid]-[call_number]-erin;rport";
        Sipp.Result caller = Sipp.run(work, scenario(send(invite("erin").replaceFirst("Via: .*", via)),
            "<recv response=\"100\" optional=\"true\"/>", "<recv response=\"180\"/>",
            send(cancel.replace("[last_Via:]", via)), expect(200), "<recv response=\"487\"/>",
            "<send><![CDATA[\n" + ack.replace("[last_Via:]", via) + "\n]]></send>"),
            UA, peer(1), false, 1);
        assertThat(caller.passed()).as("caller %s", caller).isTrue();
        assertThat(callee.finish().passed()).isTrue();
    }

    @Test
    void theRedirectModePeerAnswers302WithTheContacts() {
        int port = Sipp.freePort(UA);
        registerFrom(port, "frank", 0, "");
        Sipp.Result r = Sipp.run(work, scenario(send(invite("frank")), "<recv response=\"100\" optional=\"true\"/>",
            expect(302, "Contact: <sip:frank@127\\.0\\.0\\.1:" + port + ">")), UA, peer(3), false, 1);
        assertThat(r.passed()).as("%s", r).isTrue();
    }

    private static String options(String user) {
        return Sipp.request("OPTIONS", user, DOMAIN);
    }

    /**
     * RFC 5626: a user agent registered over TCP through peer 1 is reached on that very connection
     * by a request entering at peer 3 (no new connection is opened towards it); once it closed the
     * connection, the flow is gone and the request fails with 430 Flow Failed instead of being sent
     * to the address in its Contact.
     */
    @Test
    void aTcpFlowIsReusedAndOnceClosedGives430() throws Exception {
        try (TcpUa ua = new TcpUa("127.0.0.31", 5060)) {
            int port = ua.localPort();
            assertThat(ua.register("gina", DOMAIN, "00000000-0000-0000-0000-00000000beef")).startsWith("SIP/2.0 200");
            Sipp.Running caller = Sipp.start(work, scenario(send(options("gina")), expect(200)), UA, Sipp.freePort(UA),
                peer(2), false, 1);
            String request = ua.read(Duration.ofSeconds(20));
            assertThat(request).startsWith("OPTIONS sip:gina@127.0.0.1:" + port);
            ua.send(TcpUa.answer(request, "200 OK"));
            Sipp.Result reached = caller.finish();
            assertThat(reached.passed()).as("%s", reached).isTrue();
        }
        org.awaitility.Awaitility.await("430 once the connection is gone").atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(500)).until(() -> Sipp.run(work, scenario(send(options("gina")), expect(430)),
                UA, peer(2), false, 1).passed());
    }

    @Test
    void optionsToThePeerItselfIsAnswered() {
        Sipp.Result r = Sipp.run(work, scenario(send("""
            OPTIONS sip:%s SIP/2.0
            Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
            From: <sip:probe@%s>;tag=[call_number]
            To: <sip:%s>
            Call-ID: [call_id]
            CSeq: 1 OPTIONS
            Max-Forwards: 0
            Content-Length: 0
            """.formatted(peer(1), DOMAIN, peer(1))), expect(200, "Allow: .*INVITE")), UA, peer(1), false, 1);
        assertThat(r.passed()).as("%s", r).isTrue();
    }
}
