package org.sipring.peer.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * The Authorization header of a request, as digest authentication checks it (RFC 3261 §22.4,
 * RFC 2617 §3.2.2 with qop=auth, RFC 8760 for SHA-256).
 *
 * @param qop    "auth", or empty for the RFC 2069 form without cnonce and nc
 * @param nc     the nonce count as sent (8 hex digits), empty without qop
 * @param method the request's method, part of HA2
 */
public record DigestResponse(String username, String realm, String nonce, String uri, String response,
                             DigestAlgorithm algorithm, String cnonce, String nc, String qop, String method) {

    public DigestResponse {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(algorithm, "algorithm");
        cnonce = cnonce == null ? "" : cnonce;
        nc = nc == null ? "" : nc;
        qop = qop == null ? "" : qop;
        Objects.requireNonNull(method, "method");
    }

    /** The nonce count as a number, or -1 when absent or not 8 hex digits. */
    public long nonceCount() {
        if (nc.length() != 8 || !nc.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return -1;
        }
        return Long.parseLong(nc, 16);
    }

    /** Whether the response is the one the password behind {@code ha1} gives; compared in constant time. */
    public boolean matches(String ha1) {
        String ha2 = algorithm.hash(method + ":" + uri);
        String expected = qop.isEmpty()
            ? algorithm.hash(ha1 + ":" + nonce + ":" + ha2)
            : algorithm.hash(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
            response.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
