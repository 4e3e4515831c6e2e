package org.sipring.peer.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/** Sends bytes that need not be SIP to a peer and reads the status line of what comes back, if anything. */
final class RawSip {

    private RawSip() {
    }

    /** One datagram; the first datagram back within the timeout. */
    static Optional<String> udp(String host, int port, byte[] message, Duration wait) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            s.setSoTimeout((int) wait.toMillis());
            s.send(new DatagramPacket(message, message.length, InetAddress.getByName(host), port));
            byte[] buf = new byte[65_535];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            s.receive(in);
            return Optional.of(new String(buf, 0, in.getLength(), StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Over a new TCP connection; what the peer sent back before it closed the connection or the
     * timeout passed (empty when nothing).
     */
    static Optional<String> tcp(String host, int port, byte[] message, Duration wait) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) wait.toMillis());
            s.setSoTimeout((int) wait.toMillis());
            try {
                s.getOutputStream().write(message);
                s.getOutputStream().flush();
            } catch (IOException closedWhileWriting) {
                return Optional.empty();
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65_535];
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException | java.net.SocketException e) {
                return Optional.empty();
            }
            return n <= 0 ? Optional.empty() : Optional.of(new String(buf, 0, n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status code of a response, or 0 when the text is not one. */
    static int status(String response) {
        if (!response.startsWith("SIP/2.0 ") || response.length() < 11) {
            return 0;
        }
        try {
            return Integer.parseInt(response.substring(8, 11));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
