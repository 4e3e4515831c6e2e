package org.sipring.peer.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** The digest algorithms the registrar offers (RFC 8760 §2: SHA-256 preferred, MD5 for old clients). */
public enum DigestAlgorithm {
    SHA_256("SHA-256", "SHA-256"),
    MD5("MD5", "MD5");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The algorithm parameter value (RFC 8760 §2.1). */
    public String token() {
        return token;
    }

    /** The algorithm a request names; an absent parameter means MD5 (RFC 3261 §22.4). */
    public static Optional<DigestAlgorithm> of(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.of(MD5);
        }
        for (DigestAlgorithm a : values()) {
            if (a.token.equalsIgnoreCase(token)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** Lower-case hex of the hash of a UTF-8 string. */
    public String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(jcaName).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is required of every Java platform", e);
        }
    }

    /** HA1 = H(username:realm:password) (RFC 3261 §22.4, RFC 8760 §3). */
    public String ha1(String username, String realm, String password) {
        return hash(username + ":" + realm + ":" + password);
    }
}
