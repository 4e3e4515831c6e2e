package org.sipring.peer.sip;

import java.util.List;

/**
 * What the proxy learns about an AOR in one fetch: whether it is known here (a provisioned
 * subscriber, or bindings registered without authentication) and its live bindings. Unknown is
 * 404, known without a live binding is 480 (RFC 3261 §21.4.5, §21.4.18).
 */
public record Lookup(boolean known, List<Binding> bindings) {
    public Lookup {
        bindings = List.copyOf(bindings);
        known = known || !bindings.isEmpty();
    }
}
