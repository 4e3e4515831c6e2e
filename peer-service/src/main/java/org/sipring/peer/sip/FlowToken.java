package org.sipring.peer.sip;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Flow tokens (RFC 5626 §5.2): the user part of a Route or Record-Route URI that names a flow
 * terminating at one peer, so a request reaching that peer through the URI is sent on the flow
 * instead of to the contact's address. The token carries the flow's transport, remote address and
 * the owning peer's SIP address, and an HMAC-SHA-256 tag keyed by the overlay-wide secret, so any
 * peer can mint a token for a flow of the binding it looks up and only a token minted with the
 * secret is honoured: a forged or edited token cannot turn a peer into a relay to arbitrary
 * addresses. Encoded as base64url, which only uses characters unreserved in a SIP URI user part.
 */
public final class FlowToken {

    private static final int TAG_BYTES = 12;

    private final SecretKeySpec key;

    public FlowToken(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("the flow token secret needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    /** The token of a flow, valid for requests reaching {@link Flow#peer()}. */
    public String issue(Flow flow) {
        byte[] body = body(flow);
        byte[] out = Arrays.copyOf(body, body.length + TAG_BYTES);
        System.arraycopy(tag(body), 0, out, body.length, TAG_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /**
     * The flow a token names, if it was minted with the secret and for the given peer.
     *
     * @param peer the SIP address (host:port) of the peer reading the token
     */
    public Optional<Flow> read(String token, String peer) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (raw.length <= TAG_BYTES) {
            return Optional.empty();
        }
        byte[] body = Arrays.copyOf(raw, raw.length - TAG_BYTES);
        if (!MessageDigest.isEqual(Arrays.copyOfRange(raw, body.length, raw.length), tag(body))) {
            return Optional.empty();
        }
        String[] f = new String(body, StandardCharsets.UTF_8).split("\n", -1);
        if (f.length != 4 || !f[3].equals(peer)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Flow(f[0], f[1], Integer.parseInt(f[2]), f[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static byte[] body(Flow flow) {
        return String.join("\n", flow.transport(), flow.host(), Integer.toString(flow.port()), flow.peer())
            .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] tag(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update("flow\n".getBytes(StandardCharsets.US_ASCII));
            return Arrays.copyOf(mac.doFinal(body), TAG_BYTES);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
