package org.sipring.peer.overlay.link;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.sipring.peer.overlay.PeerAddress;

/**
 * A snapshot of one connection for metrics and the admin API.
 *
 * @param remoteListen   the address dialled for an outbound connection, else null
 * @param remoteAddress  the socket's remote address, or null before it connects
 * @param open           established (and TLS handshake done) and not closed
 * @param unackedFrames  data frames sent and not yet acknowledged
 * @param srtt           RFC 6298 smoothed RTT from framing ACKs (zero before the first sample)
 * @param rttVariance    RFC 6298 RTTVAR
 * @param rto            RFC 6298 RTO (1 s before the first sample)
 * @param rttSamples     ACKs that gave an RTT sample
 * @param suspect        a frame has been unacknowledged longer than the RTO: RFC 6940 §6.6.5 says
 *                       to drop such a link from the routing table; it is closed only after the
 *                       link-dead timeout
 */
public record ConnectionInfo(long id, boolean outbound, PeerAddress remoteListen, InetSocketAddress remoteAddress,
                             boolean open, int unackedFrames, Duration srtt, Duration rttVariance, Duration rto,
                             long rttSamples, boolean suspect) {
}
