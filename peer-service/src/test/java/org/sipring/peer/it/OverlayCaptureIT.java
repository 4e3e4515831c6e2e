package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageCodec;
import org.sipring.peer.overlay.message.testing.ReloadFrames;

/**
 * Four real peers over plain TCP while tshark captures their overlay ports on the loopback
 * interface: joining (Attach, Join, Update), gossip (Ping), lookups through the admin API (Probe),
 * a request from another overlay answered with an Error, and a graceful leave (Leave). Wireshark's
 * RELOAD dissector must then find every one of those message codes and framing ACKs in the
 * capture, no malformed packet, no expert error and no unknown message code.
 *
 * <p>Needs tshark and the right to capture on {@code lo} (root, or dumpcap with its capabilities).
 * Without them the test is skipped, unless the CI environment variable is set: then it fails. The
 * capture stays in {@code target/it-logs/OverlayCaptureIT/overlay.pcapng}.
 *
 * <p>Why the checks are worth having: the 4.0 dissector reads the 24-bit length of a data frame at
 * offset 5 of the TCP segment instead of 5 past the frame's own start. A data frame that is not the
 * first frame of its segment therefore gets a wrong length: after an ACK it is shown malformed, after
 * another data frame of different length it is mis-split or silently dropped. The link writes and
 * flushes every frame on its own with TCP_NODELAY, so a segment should carry one frame; a change
 * that batches frames (or an ACK in front of a data frame) fails this test.
 */
class OverlayCaptureIT {

    static final int PEERS = 4;
    static final Duration CONVERGE = Duration.ofSeconds(40);
    static final String OVERLAY = "sipring.local";

    /** Wireshark expert severities and the TCP sequence-analysis group (epan/proto.h). */
    static final long PI_WARN = 0x00600000L;
    static final long PI_ERROR = 0x00800000L;
    static final long PI_SEQUENCE = 0x02000000L;

    /** Every message code the peers send in these flows, with the dissector's names. */
    static final Map<Integer, String> EXPECTED_CODES = codes();

    static final ObjectMapper JSON = new ObjectMapper();

    static Path tshark;
    static LocalCluster cluster;
    static Capture capture;

    private static Map<Integer, String> codes() {
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(0x01, "probe_req");
        m.put(0x02, "probe_ans");
        m.put(0x03, "attach_req");
        m.put(0x04, "attach_ans");
        m.put(0x0f, "join_req");
        m.put(0x10, "join_ans");
        m.put(0x11, "leave_req");
        m.put(0x12, "leave_ans");
        m.put(0x13, "update_req");
        m.put(0x14, "update_ans");
        m.put(0x17, "ping_req");
        m.put(0x18, "ping_ans");
        m.put(0xffff, "error");
        return m;
    }

    /** A peer of this test: its process, address and overlay port (chosen before the capture starts). */
    record Peer(int n, String host, int overlayPort, PeerProcess process) {
        String overlayAddress() {
            return host + ":" + overlayPort;
        }
    }

    /** Finds tshark; its absence skips the test (reported with the reason), or fails it under CI. */
    static void findTshark() {
        tshark = locate("tshark").orElse(null);
        if (tshark == null) {
            requiredInCi("tshark is not installed (Debian: apt-get install tshark; see scripts/install-deps.sh)");
        }
    }

    @AfterAll
    static void stopAll() {
        if (capture != null) {
            capture.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Skips the test locally; fails it when CI is set. */
    static void requiredInCi(String why) {
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank()) {
            fail(why + " (required when CI is set)");
        }
        assumeTrue(false, why + "; capture test skipped");
    }

    private static Optional<Path> locate(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Arrays.stream(path.split(File.pathSeparator)).map(p -> Path.of(p, name)).filter(Files::isExecutable)
            .findFirst();
    }

    @Test
    void everyMessageThePeersSendDecodesCleanly() throws Exception {
        findTshark();
        cluster = LocalCluster.plain("OverlayCaptureIT");
        List<Integer> ports = new ArrayList<>();
        for (int n = 1; n <= PEERS; n++) {
            ports.add(freePort("127.0.0." + n, ports));
        }

        // 1. The capture runs before the first peer starts, so every connection is seen from its SYN.
        Path pcap = cluster.logDir().resolve("overlay.pcapng");
        capture = Capture.start(pcap, ports);

        // 2. peer1 founds the overlay, peers 2-4 join through it: Attach, Join, Update; then gossip (Ping).
        List<Peer> peers = new ArrayList<>();
        peers.add(startPeer(1, ports, null));
        peers.get(0).process().awaitActive();
        for (int n = 2; n <= PEERS; n++) {
            peers.add(startPeer(n, ports, peers.get(0)));
        }
        List<PeerProcess> processes = peers.stream().map(Peer::process).toList();
        processes.forEach(p -> p.awaitState("ACTIVE", CONVERGE));
        Ring ring = LocalCluster.awaitRing(processes, CONVERGE);

        // 3. Lookups through the admin API; one answered by another peer means a Probe on the wire.
        int remote = 0;
        for (Peer p : peers) {
            String self = p.process().status().nodeId();
            for (int i = 0; i < 8; i++) {
                String name = "sip:user" + i + "@" + p.host();
                String responsible = lookup(p.process(), name, ring);
                if (!responsible.equals(self)) {
                    remote++;
                }
            }
        }
        assertThat(remote).as("lookups answered by another peer (Probe)").isPositive();

        // 4. A request stamped with another overlay's id: the peer answers with Error_Incompatible_with_Overlay.
        Peer target = peers.get(1);
        Message answer = askFromAnotherOverlay(target, target.process().status().nodeId());
        assertThat(answer.body()).isInstanceOfSatisfying(MessageBody.Error.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INCOMPATIBLE_WITH_OVERLAY));

        // 5. peer4 leaves through the admin API: LeaveReq to its neighbours, LeaveAns back.
        Peer leaver = peers.get(PEERS - 1);
        HttpResponse<String> left = leaver.process().call("POST", "/api/v1/peer/leave", PeerProcess.ADMIN_TOKEN);
        assertThat(left.statusCode()).as("leave: %s", left.body()).isEqualTo(202);
        leaver.process().awaitState("LEFT", CONVERGE);
        LocalCluster.awaitRing(processes.subList(0, PEERS - 1), CONVERGE);

        // 6. Wait until the live decode has seen every code (gossip Pings come every second), then stop.
        try {
            await("every message code in the live capture").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> capture.liveCodes().containsAll(EXPECTED_CODES.keySet()));
        } catch (ConditionTimeoutException e) {
            // the decode of the file below says precisely what is missing
        }
        capture.stop();

        // 7. Decode the file and check it.
        Analysis a = analyse(pcap, ports);
        System.out.println("OverlayCaptureIT: " + a.summary());
        Map<Integer, Integer> counts = a.codeCounts();
        for (Map.Entry<Integer, String> e : EXPECTED_CODES.entrySet()) {
            assertThat(counts.getOrDefault(e.getKey(), 0)).as("%s (%d) in the capture; %s", e.getValue(), e.getKey(),
                a.summary()).isPositive();
        }
        assertThat(a.framingCount(ReloadFrames.DATA)).as("framing data frames").isPositive();
        assertThat(a.framingCount(ReloadFrames.ACK)).as("framing ACK frames").isPositive();
        assertThat(a.rows().stream().filter(Row::malformed).toList()).as("malformed packets in %s", pcap).isEmpty();
        assertThat(a.rows().stream().filter(r -> r.severities().stream().anyMatch(s -> s >= PI_ERROR)).toList())
            .as("packets with an expert error in %s", pcap).isEmpty();
        // Warnings may only come from TCP sequence analysis (loopback retransmissions), never from RELOAD.
        assertThat(a.rows().stream().filter(OverlayCaptureIT::hasWarningOutsideTcpSequence).toList())
            .as("packets with an expert warning outside TCP sequence analysis in %s", pcap).isEmpty();
        // Every segment with payload is RELOAD framing, or TCP's copy or first part of a segment that is.
        assertThat(a.rows().stream().filter(r -> r.tcpLength() > 0 && r.framingTypes().isEmpty()
            && !r.retransmission() && !r.reassembledLater()).toList())
            .as("segments with payload not decoded as RELOAD framing in %s", pcap).isEmpty();
        assertThat(a.codeLines()).as("message_code lines of the verbose decode").hasSize(a.messages())
            .noneMatch(l -> l.contains("Unknown"));
        assertThat(a.verboseMalformed()).as("'Malformed' in the verbose decode").isZero();
    }

    private static boolean hasWarningOutsideTcpSequence(Row r) {
        for (int i = 0; i < r.severities().size(); i++) {
            if (r.severities().get(i) >= PI_WARN && (i >= r.groups().size() || r.groups().get(i) != PI_SEQUENCE)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- peers and requests

    private static Peer startPeer(int n, List<Integer> ports, Peer bootstrap) {
        String host = "127.0.0." + n;
        int port = ports.get(n - 1);
        List<String> args = new ArrayList<>(List.of("--peer.overlay.listen=" + host + ":" + port,
            "--peer.overlay.name=" + OVERLAY,
            // one frame per flush: the dissector misreads a segment carrying several
            "--peer.overlay.link-coalesce-writes=false"));
        if (bootstrap != null) {
            args.add("--peer.overlay.bootstrap=" + bootstrap.overlayAddress());
        }
        return new Peer(n, host, port, cluster.start(n, List.of(), args.toArray(String[]::new)));
    }

    /** {@code GET /api/v1/overlay/lookup/{name}}; checks the answer against the ring, returns the responsible id. */
    private static String lookup(PeerProcess p, String name, Ring ring) throws IOException {
        String path = "/api/v1/overlay/lookup/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<String> r = p.call("GET", path, PeerProcess.READ_TOKEN);
        assertThat(r.statusCode()).as("lookup %s at %s: %s", name, p.name(), r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        String resourceId = ResourceId.ofName(name).toHex();
        assertThat(body.path("resourceName").asText()).isEqualTo(name);
        assertThat(body.path("resourceId").asText()).isEqualTo(resourceId);
        String responsible = body.path("responsible").path("nodeId").asText();
        assertThat(responsible).as("responsible for %s (%s)", name, resourceId).isEqualTo(owner(ring, resourceId));
        assertThat(body.path("responsible").path("address").asText()).startsWith("127.0.0.");
        return responsible;
    }

    /** The ring member responsible for a Resource-ID: its successor, pred < k <= peer. */
    private static String owner(Ring ring, String resourceIdHex) {
        return ring.ids().stream().filter(id -> id.compareTo(resourceIdHex) >= 0).findFirst()
            .orElse(ring.ids().get(0));
    }

    /**
     * Opens a plain connection to a peer's overlay port and sends a framed PingReq whose
     * forwarding header names another overlay; returns the answer (after acknowledging its frame).
     */
    private static Message askFromAnotherOverlay(Peer peer, String nodeIdHex) throws Exception {
        MessageCodec codec = new MessageCodec();
        long tid = ThreadLocalRandom.current().nextLong();
        ForwardingHeader h = new ForwardingHeader(ForwardingHeader.overlayId("another.overlay"), 1, 100, tid, 0,
            List.of(), List.of(new Destination.Node(NodeId.fromHex(nodeIdHex))), null);
        byte[] request = ReloadFrames.data(0, codec.encode(new Message(h, new MessageBody.PingReq(0), List.of())));
        try (Socket s = new Socket()) {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(peer.host(), peer.overlayPort()), 5_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            out.write(request);
            out.flush();
            boolean acked = false;
            while (true) {
                int type = in.readUnsignedByte();
                int sequence = in.readInt();
                if (type == ReloadFrames.ACK) {
                    in.readInt();
                    assertThat(sequence).as("ACK of the request frame").isZero();
                    acked = true;
                    continue;
                }
                assertThat(type).as("framing type").isEqualTo(ReloadFrames.DATA);
                int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                out.write(ReloadFrames.ack(Integer.toUnsignedLong(sequence), 0));
                out.flush();
                Message answer = codec.decode(bytes);
                assertThat(acked).as("request acknowledged before the answer").isTrue();
                assertThat(answer.transactionId()).isEqualTo(tid);
                return answer;
            }
        }
    }

    private static int freePort(String host, List<Integer> taken) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
                if (!taken.contains(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on " + host, e);
            }
        }
        throw new IllegalStateException("no distinct free port on " + host);
    }

    // ---------------------------------------------------------------- capture

    /** Decode-as arguments: RELOAD framing on every overlay port. */
    static List<String> decodeAs(List<Integer> ports) {
        List<String> out = new ArrayList<>();
        for (int p : ports) {
            out.add("-d");
            out.add("tcp.port==" + p + ",reload-framing");
        }
        return out;
    }

    /**
     * tshark capturing the overlay ports of 127.0.0.1..n on lo to a pcapng file, with a live
     * one-line-per-packet decode (used only to know when everything has been seen).
     */
    static final class Capture {
        final Process process;
        final Path live;
        final Path errors;
        final Thread killer;

        private Capture(Process process, Path live, Path errors) {
            this.process = process;
            this.live = live;
            this.errors = errors;
            this.killer = new Thread(process::destroyForcibly, "kill-capture");
            Runtime.getRuntime().addShutdownHook(killer);
        }

        static Capture start(Path pcap, List<Integer> ports) throws IOException {
            // Only packets from or to a peer's own listening socket, whatever else shares lo.
            List<String> hosts = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                String h = "127.0.0." + (i + 1);
                int p = ports.get(i);
                hosts.add("(src host " + h + " and src port " + p + ") or (dst host " + h + " and dst port " + p + ")");
            }
            String filter = "tcp and (" + String.join(" or ", hosts) + ")";
            Files.createDirectories(pcap.getParent());
            Path live = pcap.resolveSibling("tshark-live.txt");
            Path errors = pcap.resolveSibling("tshark.log");
            List<String> cmd = new ArrayList<>(List.of(tshark.toString(), "-i", "lo", "-n", "-l", "-P",
                "-w", pcap.toString(), "-f", filter));
            cmd.addAll(decodeAs(ports));
            cmd.addAll(List.of("-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
                "-e", "frame.number", "-e", "reload_framing.type", "-e", "reload.message.code"));
            Process p = new ProcessBuilder(cmd).redirectOutput(live.toFile()).redirectError(errors.toFile()).start();
            Capture c = new Capture(p, live, errors);
            try {
                await("tshark capturing").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !p.isAlive() || c.log().contains("Capturing on"));
            } catch (ConditionTimeoutException e) {
                c.stop();
                fail("tshark did not start capturing within 20 s: " + c.log());
            }
            if (!p.isAlive()) {
                String log = c.log();
                c.stop();
                requiredInCi("tshark cannot capture on lo (needs root or dumpcap's capabilities): " + log.strip());
            }
            return c;
        }

        String log() {
            try {
                return Files.exists(errors) ? Files.readString(errors) : "";
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }

        /** Message codes the live decode has printed so far. */
        Set<Integer> liveCodes() throws IOException {
            Set<Integer> seen = new HashSet<>();
            for (String line : Files.readAllLines(live)) {
                String[] c = line.split("\\|", -1);
                if (c.length >= 3) {
                    for (String code : list(c[2])) {
                        seen.add(Integer.parseInt(code));
                    }
                }
            }
            return seen;
        }

        /** Stops the capture (SIGTERM, so the file is completed) and waits for tshark to exit. */
        void stop() {
            if (process.isAlive()) {
                process.destroy();
                try {
                    if (!process.waitFor(15, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    process.destroyForcibly();
                }
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down and the hook runs anyway
            }
        }
    }

    // ---------------------------------------------------------------- decoding the file

    /** One packet of {@code tshark -T fields}. */
    record Row(int frame, int tcpLength, List<Integer> framingTypes, List<Integer> codes, List<Long> severities,
               List<Long> groups, boolean malformed, boolean retransmission, boolean reassembledLater,
               String expertMessages) {
    }

    private static final String[] FIELDS = {"frame.number", "tcp.len", "reload_framing.type", "reload.message.code",
        "_ws.expert.severity", "_ws.expert.group", "_ws.malformed", "tcp.analysis.retransmission",
        "tcp.reassembled_in", "_ws.expert.message"};

    record Analysis(List<Row> rows, List<String> codeLines, int verboseMalformed) {

        Map<Integer, Integer> codeCounts() {
            Map<Integer, Integer> m = new TreeMap<>();
            rows.forEach(r -> r.codes().forEach(c -> m.merge(c, 1, Integer::sum)));
            return m;
        }

        int messages() {
            return rows.stream().mapToInt(r -> r.codes().size()).sum();
        }

        long framingCount(int type) {
            return rows.stream().flatMap(r -> r.framingTypes().stream()).filter(t -> t == type).count();
        }

        String summary() {
            String codes = codeCounts().entrySet().stream()
                .map(e -> EXPECTED_CODES.getOrDefault(e.getKey(), "code " + e.getKey()) + "=" + e.getValue())
                .collect(Collectors.joining(" "));
            long multi = rows.stream().filter(r -> r.framingTypes().size() > 1).count();
            long retrans = rows.stream().filter(Row::retransmission).count();
            return rows.size() + " packets, " + framingCount(ReloadFrames.DATA) + " data frames, "
                + framingCount(ReloadFrames.ACK) + " ACK frames, " + multi + " segments with several frames, "
                + retrans + " TCP retransmissions; " + codes;
        }
    }

    private static Analysis analyse(Path pcap, List<Integer> ports) throws IOException, InterruptedException {
        assertThat(pcap).as("capture file").exists();
        List<String> cmd = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", pcap.toString()));
        cmd.addAll(decodeAs(ports));
        cmd.addAll(List.of("-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String f : FIELDS) {
            cmd.add("-e");
            cmd.add(f);
        }
        List<Row> rows = new ArrayList<>();
        for (String line : run(cmd, pcap).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] c = line.split("\\|", FIELDS.length);
            rows.add(new Row(Integer.parseInt(c[0]), c[1].isEmpty() ? 0 : Integer.parseInt(c[1]), ints(c[2]),
                ints(c[3]), longs(c[4]), longs(c[5]), !c[6].isEmpty(), !c[7].isEmpty(), !c[8].isEmpty(), c[9]));
        }

        List<String> verbose = new ArrayList<>(List.of(tshark.toString(), "-n", "-r", pcap.toString()));
        verbose.addAll(decodeAs(ports));
        verbose.add("-V");
        List<String> codeLines = new ArrayList<>();
        int malformed = 0;
        for (String line : run(verbose, pcap).split("\n")) {
            if (line.contains("message_code (uint16)")) {
                codeLines.add(line.strip());
            }
            if (line.contains("Malformed")) {
                malformed++;
            }
        }
        return new Analysis(rows, codeLines, malformed);
    }

    private static String run(List<String> cmd, Path pcap) throws IOException, InterruptedException {
        Path err = pcap.resolveSibling("tshark-read.log");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("tshark finished").isTrue();
        assertThat(p.exitValue()).as("tshark exit status; stderr: %s", Files.readString(err)).isZero();
        return new String(out, StandardCharsets.UTF_8);
    }

    private static List<String> list(String cell) {
        return cell.isEmpty() ? List.of() : List.of(cell.split(","));
    }

    private static List<Integer> ints(String cell) {
        return list(cell).stream().map(Integer::parseInt).toList();
    }

    private static List<Long> longs(String cell) {
        return list(cell).stream().map(Long::parseLong).toList();
    }
}
