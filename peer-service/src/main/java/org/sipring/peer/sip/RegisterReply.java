package org.sipring.peer.sip;

import java.util.List;
import java.util.OptionalInt;

/**
 * What the AOR's responsible peer answers a {@link RegisterCall} with, turned into the SIP
 * response by the receiving peer.
 *
 * @param status     200, or the refusal's status (401 when the digest did not prove the password)
 * @param minExpires the Min-Expires of a 423
 * @param bindings   every current binding (200 only)
 * @param staleNonce a 401 because the nonce was already used: challenge with stale=true
 */
public record RegisterReply(int status, String reason, OptionalInt minExpires, List<Binding> bindings,
                            boolean staleNonce) {
    public RegisterReply {
        bindings = List.copyOf(bindings);
    }

    static RegisterReply ok(List<Binding> bindings) {
        return new RegisterReply(200, "OK", OptionalInt.empty(), bindings, false);
    }

    static RegisterReply refused(int status, String reason) {
        return new RegisterReply(status, reason, OptionalInt.empty(), List.of(), false);
    }
}
