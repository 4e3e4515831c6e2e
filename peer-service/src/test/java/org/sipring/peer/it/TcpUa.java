package org.sipring.peer.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A user agent on one TCP connection, as an RFC 5626 client keeps it: it registers over the
 * connection and then receives requests on that same connection. Messages are read by their
 * Content-Length framing (RFC 3261 §18.3).
 */
final class TcpUa implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;

    TcpUa(String host, int port) {
        this(host, port, null);
    }

    /** Over TLS when {@code tls} is given: the handshake is done before the constructor returns. */
    TcpUa(String host, int port, javax.net.ssl.SSLSocketFactory tls) {
        try {
            Socket plain = new Socket();
            plain.bind(new InetSocketAddress("127.0.0.1", 0));
            plain.connect(new InetSocketAddress(host, port), 5_000);
            if (tls != null) {
                javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.createSocket(plain, host, port, true);
                secure.startHandshake();
                socket = secure;
            } else {
                socket = plain;
            }
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int localPort() {
        return socket.getLocalPort();
    }

    void send(String message) {
        try {
            socket.getOutputStream().write(message.replace("\r\n", "\n").replace("\n", "\r\n")
                .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * REGISTERs {@code user@domain} with a contact on this connection for 600 s and returns the
     * response; with an instance id it is an RFC 5626 registration (Supported: outbound, reg-id 1).
     */
    String register(String user, String domain, String instance) {
        String transport = socket instanceof javax.net.ssl.SSLSocket ? "tls" : "tcp";
        int port = localPort();
        String contact = instance == null
            ? "<sip:%s@127.0.0.1:%d;transport=%s>".formatted(user, port, transport)
            : "<sip:%s@127.0.0.1:%d;transport=%s;ob>;+sip.instance=\"<urn:uuid:%s>\";reg-id=1".formatted(user, port,
                transport, instance);
        send("""
            REGISTER sip:%s SIP/2.0
            Via: SIP/2.0/%s 127.0.0.1:%d;branch=z9hG4bK-%s-1;rport
            From: <sip:%s@%s>;tag=%s1
            To: <sip:%s@%s>
            Call-ID: %s-reg@127.0.0.1
            CSeq: 1 REGISTER
            %sContact: %s
            Expires: 600
            Max-Forwards: 70
            Content-Length: 0

            """.formatted(domain, transport.toUpperCase(java.util.Locale.ROOT), port, user, user, domain, user, user,
            domain, user, instance == null ? "" : "Supported: outbound\n", contact));
        return read(Duration.ofSeconds(10));
    }

    /** The next message on the connection, keep-alive CRLFs skipped. */
    String read(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (head.size() == 0 && (c == '\r' || c == '\n')) {
                    continue;
                }
                head.write(c);
                String h = head.toString(StandardCharsets.UTF_8);
                if (h.endsWith("\r\n\r\n")) {
                    int length = contentLength(h);
                    byte[] body = in.readNBytes(length);
                    return h + new String(body, StandardCharsets.UTF_8);
                }
            }
            throw new IOException("connection closed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the peer closed the connection within the timeout (anything it sends first is skipped). */
    boolean closedByPeer(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (in.read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length") || name.equals("l")) {
                    return Integer.parseInt(line.substring(colon + 1).trim());
                }
            }
        }
        return 0;
    }

    /** A response to a request read from the connection: its Via, From, Call-ID and CSeq copied, a To tag added. */
    static String answer(String request, String status) {
        List<String> copied = new ArrayList<>();
        String to = "";
        for (String line : request.split("\r\n")) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("via:") || lower.startsWith("v:") || lower.startsWith("from:") || lower.startsWith("f:")
                || lower.startsWith("call-id:") || lower.startsWith("i:") || lower.startsWith("cseq:")
                || lower.startsWith("record-route:")) {
                copied.add(line);
            } else if (lower.startsWith("to:") || lower.startsWith("t:")) {
                to = line + ";tag=ua1";
            }
        }
        return "SIP/2.0 " + status + "\r\n" + String.join("\r\n", copied) + "\r\n" + to + "\r\nContent-Length: 0\r\n\r\n";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
