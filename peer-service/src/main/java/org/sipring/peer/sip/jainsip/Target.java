package org.sipring.peer.sip.jainsip;

import java.util.List;
import javax.sip.address.Hop;
import org.sipring.peer.sip.Flow;

/**
 * Where one branch of a proxied request goes (RFC 3261 §16.6).
 *
 * @param requestUri the new Request-URI (a contact), or null to keep the request's
 * @param routes     Route values put before the request's remaining ones: the flow owner's URI
 *                   with its flow token, then the binding's Path (RFC 3327 §5.3)
 * @param hop        the pinned next hop (a flow of this peer), or null for the stack's routing
 * @param flow       the flow of this peer the branch is sent on, or null
 * @param probe      whether the flow must be checked first: a connection-oriented RFC 5626 flow
 *                   is never re-opened towards the user agent; when it is gone the branch fails
 *                   with 430 (RFC 5626 §5.3)
 */
record Target(String requestUri, List<String> routes, Hop hop, Flow flow, boolean probe) {
    Target {
        routes = List.copyOf(routes);
    }
}
