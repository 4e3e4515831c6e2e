package org.sipring.peer.sip;

import java.util.Objects;

/**
 * A REGISTER as the receiving peer hands it to the AOR's responsible peer: the request, and when
 * authentication is on, its digest response (already checked for a genuine, unexpired nonce).
 *
 * @param authRequired   refuse unless {@code digest} proves the subscriber's password
 * @param digest         the Authorization to check, or null
 * @param nonceExpiresAt when the digest's nonce stops being accepted (0 without digest)
 */
public record RegisterCall(RegisterRequest request, boolean authRequired, DigestResponse digest, long nonceExpiresAt) {
    public RegisterCall {
        Objects.requireNonNull(request, "request");
        if (authRequired && digest == null) {
            throw new IllegalArgumentException("authentication required but no digest response");
        }
    }
}
