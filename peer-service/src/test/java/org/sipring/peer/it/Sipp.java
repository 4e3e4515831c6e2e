package org.sipring.peer.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs SIPp (Debian's sip-tester, installed by scripts/install-deps.sh) with a scenario written by
 * the test, and keeps what it saw. SIPp exits 0 only when every call of the scenario went as
 * written: each expected response arrived and each {@code check_it} regular expression matched.
 */
final class Sipp {

    private static final AtomicInteger RUNS = new AtomicInteger();

    /** @param messages every message SIPp sent and received; errors what it reported */
    record Result(int exitCode, String messages, String errors, String summary) {
        boolean passed() {
            return exitCode == 0;
        }

        /** Calls SIPp counted as failed, from its final statistics screen (-1 when absent). */
        long failedCalls() {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Failed call\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)")
                .matcher(summary);
            long last = -1;
            while (m.find()) {
                last = Long.parseLong(m.group(1));
            }
            return last;
        }

        /** Calls that timed out and whose 200 arrived afterwards (SIPp: "Dead call ... (successful)"). */
        long lateSuccesses() {
            return errors.lines().filter(l -> l.contains("Dead call") && l.contains("received 'SIP/2.0 200"))
                .map(l -> l.replaceAll(".*Dead call (\\S+).*", "$1")).distinct().count();
        }

        @Override
        public String toString() {
            return "sipp exit " + exitCode + "\n--- errors\n" + errors + "\n--- messages\n" + messages
                + "\n--- summary\n" + summary.lines().filter(l -> l.contains("call") || l.contains("---")).limit(40)
                .collect(java.util.stream.Collectors.joining("\n"));
        }
    }

    private Sipp() {
    }

    /**
     * Runs a scenario once per call ({@code calls}) from {@code localIp} to {@code target}
     * (host:port), over UDP or TCP.
     */
    static Result run(Path dir, String scenario, String localIp, String target, boolean tcp, int calls, String... extra) {
        return start(dir, scenario, localIp, freePort(localIp), target, tcp, calls, extra).finish();
    }

    /** A SIPp process started in the background; {@link #finish} waits for it. */
    record Running(Process process, Path xml, Path messages, Path errors, Path output) {
        Result finish() {
            return finish(java.time.Duration.ofSeconds(60));
        }

        Result finish(java.time.Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError("sipp did not finish within " + timeout.toSeconds() + " s: " + xml);
                }
                return new Result(process.exitValue(), read(messages), read(errors), read(output));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /**
     * Starts a scenario from {@code localIp:localPort}; with a null {@code target} it is a server
     * scenario (it starts with a {@code recv}) that waits for requests on that port.
     */
    static Running start(Path dir, String scenario, String localIp, int localPort, String target, boolean tcp, int calls,
                         String... extra) {
        return start(dir, scenario, localIp, localPort, target, tcp, calls, true, extra);
    }

    /** As {@link #start}, for thousands of calls: failed calls only are traced, not every message. */
    static Running startBulk(Path dir, String scenario, String localIp, int localPort, String target, int calls,
                             String... extra) {
        return start(dir, scenario, localIp, localPort, target, false, calls, false, extra);
    }

    private static Running start(Path dir, String scenario, String localIp, int localPort, String target, boolean tcp,
                                 int calls, boolean traceMessages, String... extra) {
        int n = RUNS.incrementAndGet();
        Path xml = dir.resolve("scenario-" + n + ".xml");
        Path messages = dir.resolve("messages-" + n + ".log");
        Path errors = dir.resolve("errors-" + n + ".log");
        try {
            Files.createDirectories(dir);
            Files.writeString(xml, scenario);
            List<String> command = new ArrayList<>(List.of("sipp", "-sf", xml.toString(), "-i", localIp,
                "-p", Integer.toString(localPort), "-m", Integer.toString(calls), "-t", tcp ? "t1" : "u1",
                "-nostdin", "-timeout", "30s", "-timeout_error", "-trace_err", "-error_file", errors.toString(),
                "-max_retrans", "3"));
            if (traceMessages) {
                command.addAll(List.of("-trace_msg", "-message_file", messages.toString()));
            }
            command.addAll(List.of(extra));
            if (target != null) {
                command.add(target);
            }
            Path output = dir.resolve("sipp-" + n + ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            return new Running(p, xml, messages, errors, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run sipp (scripts/install-deps.sh installs it)", e);
        }
    }

    private static String read(Path f) throws IOException {
        return Files.exists(f) ? Files.readString(f) : "";
    }

    /** A port free for UDP and TCP on {@code ip}. */
    static int freePort(String ip) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(ip))) {
                int port = s.getLocalPort();
                try (java.net.ServerSocket t = new java.net.ServerSocket(port, 1, InetAddress.getByName(ip))) {
                    return port;
                } catch (IOException taken) {
                    // the TCP port is in use: another one
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port on " + ip);
    }

    // ------------------------------------------------------------------ scenario text

    /** A scenario of the given steps. */
    static String scenario(String... steps) {
        String body = String.join("\n", steps);
        // SIPp refuses a variable that is assigned but never read; the checks only assign
        String reference = body.contains("assign_to=\"m\"") ? "\n<Reference variables=\"m\"/>" : "";
        return "<?xml version=\"1.0\" encoding=\"ISO-8859-1\" ?>\n<scenario name=\"test\">\n" + body + reference
            + "\n</scenario>\n";
    }

    /** Sends a request, retransmitted over UDP every 500 ms as a UAC would. */
    static String send(String message) {
        return "<send retrans=\"500\"><![CDATA[\n" + message.strip() + "\n\n]]></send>";
    }

    /**
     * Expects a response with this status; each regular expression must match the whole message
     * (SIPp's {@code check_it}), else the call fails.
     */
    static String expect(int status, String... mustMatch) {
        StringBuilder b = new StringBuilder("<recv response=\"" + status + "\"" + (status == 401 ? " auth=\"true\"" : "")
            + ">");
        if (mustMatch.length > 0) {
            b.append("<action>");
            for (String re : mustMatch) {
                b.append("<ereg regexp=\"").append(xml(re)).append("\" search_in=\"msg\" check_it=\"true\" assign_to=\"m\"/>");
            }
            b.append("</action>");
        }
        return b.append("</recv>").toString();
    }

    /** The following requests go to another peer (UDP and TCP alike). */
    static String sendTo(String host, int port, boolean tcp) {
        return "<nop><action><setdest host=\"" + host + "\" port=\"" + port + "\" protocol=\"" + (tcp ? "tcp" : "udp")
            + "\"/></action></nop>";
    }

    /**
     * A REGISTER for {@code user@domain}; {@code headers} are extra lines (Contact, Expires,
     * Authorization via SIPp's [authentication] keyword...). The Call-ID is SIPp's per call
     * unless a line overrides it.
     */
    static String register(String user, String domain, int cseq, String... headers) {
        StringBuilder b = new StringBuilder();
        b.append("REGISTER sip:").append(domain).append(" SIP/2.0\n")
            .append("Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport\n")
            .append("From: <sip:").append(user).append('@').append(domain).append(">;tag=[call_number]\n")
            .append("To: <sip:").append(user).append('@').append(domain).append(">\n");
        boolean callId = false;
        for (String h : headers) {
            callId |= h.regionMatches(true, 0, "Call-ID:", 0, 8);
        }
        if (!callId) {
            b.append("Call-ID: [call_id]\n");
        }
        b.append("CSeq: ").append(cseq).append(" REGISTER\n");
        for (String h : headers) {
            b.append(h).append('\n');
        }
        b.append("Max-Forwards: 70\nContent-Length: 0\n");
        return b.toString();
    }

    /**
     * A request from sip:caller@domain to {@code user@domain} (a SIPp field such as [field0] will
     * do), CSeq 1; {@code headers} are extra lines (Contact...).
     */
    static String request(String method, String user, String domain, String... headers) {
        StringBuilder b = new StringBuilder();
        b.append(method).append(" sip:").append(user).append('@').append(domain).append(" SIP/2.0\n")
            .append("Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport\n")
            .append("From: <sip:caller@").append(domain).append(">;tag=[call_number]\n")
            .append("To: <sip:").append(user).append('@').append(domain).append(">\n")
            .append("Call-ID: [call_id]\n")
            .append("CSeq: 1 ").append(method).append('\n');
        for (String h : headers) {
            b.append(h).append('\n');
        }
        return b.append("Max-Forwards: 70\nContent-Length: 0\n").toString();
    }

    /** SIPp's digest response to the last 401 (MD5, qop=auth). */
    static String auth(String user, String password) {
        return "[authentication username=" + user + " password=" + password + "]";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
