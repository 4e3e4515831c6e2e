package org.sipring.peer.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The admin API's bearer tokens. Only SHA-256 digests are kept, compared in constant time; the
 * tokens themselves never appear in {@link #toString()} or in logs.
 */
public final class ApiTokens {

    /** What a presented token allows. */
    public enum Role { NONE, READ, ADMIN }

    private final byte[] adminDigest;
    private final Optional<byte[]> readDigest;

    public ApiTokens(String adminToken, Optional<String> readToken) {
        if (adminToken == null || adminToken.isBlank()) {
            throw new IllegalArgumentException("admin token must not be empty");
        }
        this.adminDigest = digest(adminToken);
        this.readDigest = readToken.filter(t -> !t.isBlank()).map(ApiTokens::digest);
    }

    /** The role of a presented token; {@link Role#NONE} for null or unknown tokens. */
    public Role roleOf(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Role.NONE;
        }
        byte[] d = digest(presented);
        // Both comparisons always run, so timing says nothing about which token was close.
        boolean admin = MessageDigest.isEqual(d, adminDigest);
        boolean read = readDigest.map(r -> MessageDigest.isEqual(d, r)).orElse(false);
        return admin ? Role.ADMIN : read ? Role.READ : Role.NONE;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "ApiTokens[admin" + (readDigest.isPresent() ? ", read" : "") + "]";
    }
}
