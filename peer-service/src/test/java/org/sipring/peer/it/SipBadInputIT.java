package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken SIP sent to a real peer (127.0.0.35, UDP and TCP 5060, authentication off):
 * each message gets the RFC's error response (400 naming the bad header, 403, 416, 420, 501) or,
 * when no response is possible (no Via, no CSeq, not SIP at all, a TCP stream over
 * peer.sip.max-message-size or cut short), none; the peer keeps serving, and the bindings
 * registered before are exactly those after.
 */
class SipBadInputIT {

    static final String HOST = "127.0.0.35";
    static final int PORT = 5060;
    static final String DOMAIN = "example.edu";
    static final Duration WAIT = Duration.ofSeconds(2);
    static LocalCluster cluster;
    static PeerProcess peer;
    static String bindingsBefore;

    @BeforeAll
    static void peer() throws IOException {
        cluster = LocalCluster.plain("SipBadInputIT");
        peer = cluster.start(35, List.of(), "--peer.sip.domains=" + DOMAIN, "--peer.sip.auth.enabled=false",
            "--peer.sip.listen=" + HOST + ":" + PORT, "--peer.sip.max-message-size=8KB",
            "--logging.level.org.sipring.peer.sip=DEBUG");
        peer.awaitActive();
        Optional<String> ok = RawSip.udp(HOST, PORT, bytes(register("victim", "Contact: <sip:victim@127.0.0.1:5999>",
            "Expires: 600")), WAIT);
        assertThat(ok.map(RawSip::status)).contains(200);
        bindingsBefore = bindings();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String bindings() throws IOException {
        HttpResponse<String> r = peer.call("GET", "/api/v1/aors/victim@" + DOMAIN, PeerProcess.ADMIN_TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        // the remaining expiry counts down; everything else must stay as it was
        return new ObjectMapper().readTree(r.body()).toString().replaceAll("\"expires\":\\d+,", "");
    }

    static String register(String user, String... headers) {
        return "REGISTER sip:" + DOMAIN + " SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK" + Long.toHexString(new Random().nextLong()) + ";rport\r\n"
            + "From: <sip:" + user + "@" + DOMAIN + ">;tag=1\r\n"
            + "To: <sip:" + user + "@" + DOMAIN + ">\r\n"
            + "Call-ID: " + Long.toHexString(new Random().nextLong()) + "@bad\r\n"
            + "CSeq: " + (System.nanoTime() & 0xffffff) + " REGISTER\r\n"
            + "Max-Forwards: 70\r\n"
            + String.join("", Stream.of(headers).map(h -> h + "\r\n").toList())
            + "Content-Length: 0\r\n\r\n";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String victimRegister(String... headers) {
        return register("victim", headers);
    }

    static Stream<Arguments> corpus() {
        byte[] junk = new byte[300];
        new Random(7).nextBytes(junk);
        String ok = victimRegister("Contact: <sip:victim@127.0.0.1:6000>", "Expires: 600");
        return Stream.of(
            Arguments.of("random bytes", 0, "udp", junk),
            Arguments.of("text that is not SIP", 0, "udp", bytes("hello there\r\n\r\n")),
            Arguments.of("no Call-ID", 0, "udp", bytes(ok.replaceFirst("Call-ID: [^\r]*\r\n", ""))),
            Arguments.of("no CSeq", 0, "udp", bytes(ok.replaceFirst("CSeq: [^\r]*\r\n", ""))),
            Arguments.of("no From", 0, "udp", bytes(ok.replaceFirst("From: [^\r]*\r\n", ""))),
            Arguments.of("no Via", 0, "udp", bytes(ok.replaceFirst("Via: [^\r]*\r\n", ""))),
            Arguments.of("CSeq not a number", 400, "udp", bytes(ok.replaceFirst("CSeq: \\d+", "CSeq: abc"))),
            Arguments.of("CSeq of another method", 400, "udp", bytes(ok.replaceFirst("CSeq: (\\d+) REGISTER", "CSeq: $1 INVITE"))),
            Arguments.of("Expires not a number", 400, "udp", bytes(ok.replace("Expires: 600", "Expires: soon"))),
            Arguments.of("Contact without closing bracket", 400, "udp", bytes(ok.replace("127.0.0.1:6000>", "127.0.0.1:6000"))),
            Arguments.of("Max-Forwards not a number", 400, "udp", bytes(ok.replace("Max-Forwards: 70", "Max-Forwards: many"))),
            Arguments.of("header line without a colon", 400, "udp", bytes(ok.replace("Max-Forwards: 70", "Max-Forwards 70"))),
            Arguments.of("SIP/3.0", 400, "udp", bytes(ok.replaceFirst("SIP/2.0\r\n", "SIP/3.0\r\n"))),
            Arguments.of("body shorter than Content-Length", 400, "udp", bytes(ok.replace("Content-Length: 0\r\n\r\n",
                "Content-Type: text/plain\r\nContent-Length: 500\r\n\r\nshort"))),
            Arguments.of("tel: Request-URI", 416, "udp", bytes(invite("tel:+15550100"))),
            Arguments.of("INVITE without Contact", 400, "udp", bytes(invite("sip:victim@" + DOMAIN)
                .replaceFirst("Contact: [^\r]*\r\n", ""))),
            Arguments.of("tel: To of a REGISTER", 416, "udp", bytes(ok.replace("To: <sip:victim@" + DOMAIN + ">", "To: <tel:+15550100>"))),
            Arguments.of("unknown method to the peer", 501, "udp", bytes(invite("sip:" + HOST + ":" + PORT).replace("INVITE", "FROB"))),
            Arguments.of("Require of an unknown extension", 420, "udp", bytes(victimRegister("Contact: <sip:victim@127.0.0.1:6000>",
                "Require: teleportation"))),
            Arguments.of("another domain", 403, "udp", bytes(ok.replace(DOMAIN, "elsewhere.test"))),
            Arguments.of("wildcard with a contact", 400, "udp", bytes(victimRegister("Contact: *", "Contact: <sip:victim@127.0.0.1:6000>",
                "Expires: 0"))),
            Arguments.of("over the size limit on TCP", 0, "tcp", bytes(ok.replace("Content-Length: 0\r\n\r\n",
                "Content-Type: text/plain\r\nContent-Length: 20000\r\n\r\n" + "x".repeat(20_000)).replace("UDP", "TCP"))),
            Arguments.of("truncated on TCP", 0, "tcp", bytes(ok.substring(0, ok.length() / 2).replace("UDP", "TCP"))));
    }

    private static String invite(String uri) {
        return "INVITE " + uri + " SIP/2.0\r\n"
            + "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK" + Long.toHexString(new Random().nextLong()) + ";rport\r\n"
            + "From: <sip:someone@" + DOMAIN + ">;tag=1\r\nTo: <" + uri + ">\r\n"
            + "Call-ID: " + Long.toHexString(new Random().nextLong()) + "@bad\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
            + "Contact: <sip:someone@127.0.0.1:5999>\r\n"
            + "Content-Length: 0\r\n\r\n";
    }

    /** Each case: what it is, the status expected (0: no answer is possible), transport, the bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void brokenInputIsRefusedOrDroppedAndChangesNothing(String name, int expected, String transport, byte[] corpusMessage)
        throws IOException {
        // a transaction of its own: the same branch as an earlier case would be taken for its retransmission
        byte[] message = new String(corpusMessage, StandardCharsets.ISO_8859_1)
            .replaceAll("branch=z9hG4bK[0-9a-f]+", "branch=z9hG4bK" + Long.toHexString(new Random().nextLong()))
            .replaceAll("Call-ID: [0-9a-f]+@bad", "Call-ID: " + Long.toHexString(new Random().nextLong()) + "@bad")
            .getBytes(StandardCharsets.ISO_8859_1);
        Optional<String> answer = "udp".equals(transport) ? RawSip.udp(HOST, PORT, message, WAIT)
            : RawSip.tcp(HOST, PORT, message, WAIT);
        assertThat(answer.map(RawSip::status).orElse(0)).as("%s: %s", name,
            answer.map(a -> a.lines().findFirst().orElse("")).orElse("no answer")).isEqualTo(expected);
        peer.assertAlive();
        assertThat(bindings()).isEqualTo(bindingsBefore);
        Optional<String> options = RawSip.udp(HOST, PORT, bytes(invite("sip:" + HOST + ":" + PORT).replace("INVITE", "OPTIONS")),
            WAIT);
        assertThat(options.map(RawSip::status)).as("the peer still answers").contains(200);
    }

    /**
     * Not bad input, but raw datagrams to one peer: a REGISTER over UDP is answered statelessly
     * (RFC 3261 §8.2.7), so its retransmission is served again and must get the same To tag.
     */
    @Test
    void aRetransmittedUdpRegisterIsAnsweredAgainWithTheSameToTag() throws IOException {
        byte[] register = bytes(register("twice", "Contact: <sip:twice@127.0.0.1:5998>", "Expires: 600"));
        Optional<String> first = RawSip.udp(HOST, PORT, register, WAIT);
        Optional<String> again = RawSip.udp(HOST, PORT, register, WAIT);
        assertThat(first.map(RawSip::status)).contains(200);
        assertThat(again.map(RawSip::status)).contains(200);
        assertThat(toTag(again.get())).isNotEmpty().isEqualTo(toTag(first.get()));
        HttpResponse<String> r = peer.call("GET", "/api/v1/aors/twice@" + DOMAIN, PeerProcess.ADMIN_TOKEN);
        assertThat(new ObjectMapper().readTree(r.body()).path("bindings").size()).isEqualTo(1);
    }

    private static String toTag(String response) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?im)^To:.*;tag=([^;>\\s]+)").matcher(response);
        return m.find() ? m.group(1) : "";
    }

    /**
     * RFC 5626 §4.4.2 keep-alive over UDP: a STUN Binding request to the SIP port is answered with
     * the address it came from; a STUN message that is not a request gets nothing, and neither is
     * taken for broken SIP.
     */
    @Test
    void stunBindingOnTheSipPortIsAnsweredWithTheSourceAddress() throws IOException {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket(
            new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.1"), 0))) {
            s.setSoTimeout((int) WAIT.toMillis());
            java.nio.ByteBuffer request = java.nio.ByteBuffer.allocate(20).putShort((short) 0x0001).putShort((short) 0)
                .putInt(0x2112A442).putLong(new Random().nextLong()).putInt(7);
            java.net.InetSocketAddress peerPort = new java.net.InetSocketAddress(HOST, PORT);
            s.send(new java.net.DatagramPacket(request.array(), 20, peerPort));
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[512], 512);
            s.receive(in);
            java.nio.ByteBuffer r = java.nio.ByteBuffer.wrap(in.getData(), 0, in.getLength());
            assertThat(r.getShort(0)).as("Binding success").isEqualTo((short) 0x0101);
            assertThat(java.util.Arrays.copyOfRange(in.getData(), 8, 20))
                .isEqualTo(java.util.Arrays.copyOfRange(request.array(), 8, 20));
            assertThat((r.getShort(26) & 0xFFFF) ^ 0x2112).isEqualTo(s.getLocalPort());
            assertThat(r.getInt(28) ^ 0x2112A442).isEqualTo(0x7F000001);

            // a Binding indication is not answered: the next datagram is the OPTIONS' 200
            request.putShort(0, (short) 0x0011);
            s.send(new java.net.DatagramPacket(request.array(), 20, peerPort));
            byte[] options = bytes(invite("sip:" + HOST + ":" + PORT).replace("INVITE", "OPTIONS")
                .replace("127.0.0.1:5999;branch", "127.0.0.1:" + s.getLocalPort() + ";branch"));
            s.send(new java.net.DatagramPacket(options, options.length, peerPort));
            s.receive(in);
            assertThat(RawSip.status(new String(in.getData(), 0, in.getLength(), StandardCharsets.UTF_8))).isEqualTo(200);
        }
        peer.assertAlive();
    }
}
