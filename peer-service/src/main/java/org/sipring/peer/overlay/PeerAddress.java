package org.sipring.peer.overlay;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Where a peer's overlay link listens: an IP literal and a TCP port. Immutable. */
public record PeerAddress(InetAddress ip, int port) {

    public PeerAddress {
        if (ip == null) {
            throw new IllegalArgumentException("address needs an IP");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port}. The host must be an IP literal or a name that
     * resolves now; the error message says which part is wrong.
     */
    public static PeerAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty address, expected host:port");
        }
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("'" + s + "' is not host:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' has a non-numeric port");
        }
        try {
            return new PeerAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' does not resolve");
        }
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(ip, port);
    }

    @Override
    public String toString() {
        String h = ip.getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }
}
