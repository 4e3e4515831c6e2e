package org.sipring.peer.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One baresip 1.0.0 user agent (Debian's baresip, installed by scripts/install-deps.sh) in its own
 * process, with a configuration directory of its own. It is driven over its {@code ctrl_tcp}
 * module (JSON commands in netstrings) and reports the events of its calls on that connection;
 * with {@code -s} it writes every SIP message it sends and receives to its log, which
 * {@link #trace()} reads back.
 *
 * <p>Everything stays on one loopback address: SIP and RTP are bound to it ({@code sip_listen},
 * {@code net_interface} given as an address, which baresip accepts where the name {@code lo}
 * makes it exit); the caller gives every account an outbound proxy as an IP address, so the
 * domain of an AOR is never resolved, and the DNS server is that loopback address anyway. No audio
 * device is used: a sine source (which works at 48 kHz stereo only, resampled for G.711) and
 * baresip's {@code aubridge} as a player that plays nowhere.
 */
final class Baresip implements AutoCloseable {

    /** A call event reported by baresip: {@code id} is the call's Call-ID, when the event has one. */
    record Event(String type, String id, String direction, String peerUri, String param) {
    }

    /**
     * A SIP message from the trace: where it went ({@code source} to {@code destination}), its
     * first line, its headers in order (comma-separated values of one line split for Via, Route
     * and Record-Route) and its body.
     */
    record SipMessage(String transport, String source, String destination, String startLine,
                      List<Map.Entry<String, String>> headers, String body) {

        boolean isRequest(String method) {
            return startLine.startsWith(method + " ");
        }

        boolean isResponse() {
            return startLine.startsWith("SIP/2.0 ");
        }

        int status() {
            return isResponse() ? Integer.parseInt(startLine.substring(8, 11)) : 0;
        }

        List<String> headers(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        String callId() {
            return header("Call-ID");
        }

        /** The method in CSeq. */
        String cseqMethod() {
            String cseq = header("CSeq");
            return cseq == null ? "" : cseq.substring(cseq.indexOf(' ') + 1).strip();
        }

        String requestUri() {
            return isResponse() ? null : startLine.split(" ")[1];
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(transport).append(' ').append(source).append(" -> ").append(destination)
                .append('\n').append(startLine).append('\n');
            headers.forEach(h -> b.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
            return b.append(body).toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final Pattern TRACE_LINE = Pattern.compile("^(UDP|TCP|TLS) (\\S+) -> (\\S+)$");
    private static final List<String> SPLIT_HEADERS = List.of("via", "route", "record-route");

    private final String name;
    private final String ip;
    private final int sipPort;
    private final Path log;
    private final Process process;
    private final Thread killer;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> responses = new ConcurrentHashMap<>();
    private final AtomicInteger tokens = new AtomicInteger();
    private Socket control;
    private OutputStream commands;

    private Baresip(String name, String ip, int sipPort, Path log, Process process) {
        this.name = name;
        this.ip = ip;
        this.sipPort = sipPort;
        this.log = log;
        this.process = process;
        this.killer = new Thread(process::destroyForcibly, "kill-baresip-" + name);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts baresip with a configuration in {@code dir} (created) and these account lines, SIP
     * on {@code ip} and a free port, and connects to its control port.
     */
    static Baresip start(Path dir, String name, String ip, List<String> accounts) {
        int sipPort = freeSipPort(ip);
        int controlPort = freeTcpPort(ip, sipPort);
        String config = String.join("\n",
            "poll_method\t\tepoll",
            "sip_listen\t\t" + ip + ":" + sipPort,
            "net_interface\t\t" + ip,
            "dns_server\t\t" + ip + ":53",
            "call_local_timeout\t120",
            "call_max_calls\t\t1",
            "audio_source\t\tausine,440",
            "ausrc_srate\t\t48000",
            "ausrc_channels\t\t2",
            "audio_player\t\taubridge,nowhere",
            "audio_alert\t\taubridge,alerts",
            "rtp_stats\t\tno",
            "module_path\t\t/usr/lib/baresip/modules",
            "module\t\t\tg711.so",
            "module\t\t\tausine.so",
            "module\t\t\taubridge.so",
            "module_tmp\t\taccount.so",
            "module_app\t\tmenu.so",
            "module_app\t\tctrl_tcp.so",
            "ctrl_tcp_listen\t\t" + ip + ":" + controlPort,
            "statmode_default\toff",
            "menu_bell\t\tno",
            "");
        Path log = dir.resolve("baresip.log");
        Process p;
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config"), config);
            Files.writeString(dir.resolve("accounts"), String.join("\n", accounts) + "\n");
            p = new ProcessBuilder("baresip", "-f", dir.toString(), "-s").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run baresip (scripts/install-deps.sh installs it)", e);
        }
        Baresip b = new Baresip(name, ip, sipPort, log, p);
        try {
            b.connect(controlPort);
        } catch (RuntimeException | Error e) {
            b.close();
            throw e;
        }
        return b;
    }

    private void connect(int port) {
        await(name + "'s control port").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
            .ignoreExceptionsInstanceOf(IOException.class).until(() -> {
                assertAlive();
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getByName(ip), port), 1000);
                control = s;
                return true;
            });
        try {
            commands = control.getOutputStream();
            InputStream in = new BufferedInputStream(control.getInputStream());
            Thread reader = new Thread(() -> read(in), "baresip-" + name + "-events");
            reader.setDaemon(true);
            reader.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Netstrings ({@code length:json,}) until the connection closes. */
    private void read(InputStream in) {
        try {
            while (true) {
                int length = 0;
                int c;
                while ((c = in.read()) != ':') {
                    if (c < 0) {
                        return;
                    }
                    if (c < '0' || c > '9') {
                        throw new IOException("not a netstring length: " + (char) c);
                    }
                    length = length * 10 + (c - '0');
                }
                byte[] body = in.readNBytes(length);
                if (body.length < length || in.read() != ',') {
                    return;
                }
                JsonNode n = JSON.readTree(body);
                if (n.path("event").asBoolean()) {
                    events.add(new Event(n.path("type").asText(), text(n, "id"), text(n, "direction"),
                        text(n, "peeruri"), text(n, "param")));
                } else if (n.path("response").asBoolean()) {
                    responses.put(n.path("token").asText(), n);
                }
            }
        } catch (IOException e) {
            // the process ended or the socket was closed: no more events
        }
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) ? n.get(field).asText() : null;
    }

    String name() {
        return name;
    }

    int sipPort() {
        return sipPort;
    }

    /** {@code ip:port} of its SIP transport. */
    String sipAddress() {
        return ip + ":" + sipPort;
    }

    Process process() {
        return process;
    }

    /** Sends a command (a long command of the menu module, e.g. {@code dial}) and waits for it to succeed. */
    JsonNode command(String command, String params) {
        String token = send(command, params);
        JsonNode r = await(name + " answering " + command).atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(50)).until(() -> {
                assertAlive();
                return responses.get(token);
            }, java.util.Objects::nonNull);
        if (!r.path("ok").asBoolean()) {
            throw new AssertionError(name + ": " + command + " failed: " + r + "\n" + outputTail(40));
        }
        return r;
    }

    /** Sends a command without waiting for its answer (quit: the answer may race the exit). */
    String send(String command, String params) {
        String token = name + "-" + tokens.incrementAndGet();
        ObjectNode json = JSON.createObjectNode().put("command", command).put("token", token);
        if (params != null) {
            json.put("params", params);
        }
        byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((body.length + ":").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        out.write(',');
        try {
            synchronized (this) {
                commands.write(out.toByteArray());
                commands.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot send " + command, e);
        }
        return token;
    }

    List<Event> events() {
        return List.copyOf(events);
    }

    Optional<Event> event(String type) {
        return events.stream().filter(e -> e.type().equals(type)).findFirst();
    }

    /** The first event of this type, waiting for it. */
    Event awaitEvent(String type, Duration timeout) {
        return await(name + " reporting " + type).atMost(timeout).pollInterval(Duration.ofMillis(50))
            .until(() -> {
                Optional<Event> e = event(type);
                if (e.isEmpty()) {
                    assertAlive();
                }
                return e;
            }, Optional::isPresent).orElseThrow();
    }

    /** Waits for the process to exit on its own; its exit code. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout.toSeconds() + " s\n"
                    + outputTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    void assertAlive() {
        if (!process.isAlive()) {
            throw new AssertionError(name + " exited with " + process.exitValue() + "\n" + outputTail(40));
        }
    }

    /** baresip's output so far, without terminal colours. */
    String output() {
        try {
            return Files.exists(log) ? ANSI.matcher(Files.readString(log, StandardCharsets.ISO_8859_1)).replaceAll("")
                : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    String outputTail(int lines) {
        List<String> all = output().lines().toList();
        return name + "'s output:\n" + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Every SIP message baresip has sent or received so far, in order. */
    List<SipMessage> trace() {
        List<String> lines = output().lines().toList();
        List<SipMessage> messages = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = TRACE_LINE.matcher(lines.get(i));
            if (!m.matches() || i + 1 >= lines.size()) {
                continue;
            }
            String start = lines.get(++i);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            while (i + 1 < lines.size() && !lines.get(i + 1).isEmpty()) {
                String h = lines.get(++i);
                int colon = h.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String key = h.substring(0, colon).strip();
                String value = h.substring(colon + 1).strip();
                if (SPLIT_HEADERS.contains(key.toLowerCase(Locale.ROOT))) {
                    for (String v : value.split(",")) {
                        headers.add(Map.entry(key, v.strip()));
                    }
                } else {
                    headers.add(Map.entry(key, value));
                }
            }
            i++;
            StringBuilder body = new StringBuilder();
            while (i + 1 < lines.size() && !lines.get(i + 1).isEmpty()
                && !TRACE_LINE.matcher(lines.get(i + 1)).matches()) {
                body.append(lines.get(++i)).append('\n');
            }
            messages.add(new SipMessage(m.group(1), m.group(2), m.group(3), start, headers, body.toString()));
        }
        return messages;
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        try {
            if (control != null) {
                control.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and the hook runs anyway
        }
    }

    /**
     * A port free for SIP over UDP and TCP whose successor is free over TCP too: baresip also
     * listens for SIP over TLS on the next port.
     */
    private static int freeSipPort(String ip) {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = Sipp.freePort(ip);
            if (port < 65535 && tcpFree(ip, port + 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no free SIP port pair on " + ip);
    }

    private static int freeTcpPort(String ip, int sipPort) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
                int port = s.getLocalPort();
                if (port != sipPort && port != sipPort + 1) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free TCP port on " + ip);
    }

    private static boolean tcpFree(String ip, int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(ip))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name + "(baresip, SIP " + sipAddress() + ")";
    }
}
