package org.sipring.peer.sip;

import java.util.List;
import java.util.OptionalInt;

/** What a REGISTER does to an AOR's bindings: accepted with the bindings now current, or refused. */
public sealed interface RegisterOutcome {

    /**
     * The 200 OK case: every current binding, to list in the response with its remaining expiry.
     *
     * @param changed false when nothing was written (a query, or a retransmission of the REGISTER
     *                already applied)
     */
    record Accepted(List<Binding> bindings, boolean changed) implements RegisterOutcome {
        public Accepted {
            bindings = List.copyOf(bindings);
        }
    }

    /**
     * A refusal; nothing changed.
     *
     * @param minExpires the Min-Expires to send with a 423
     */
    record Refused(int status, String reason, OptionalInt minExpires) implements RegisterOutcome {
    }
}
