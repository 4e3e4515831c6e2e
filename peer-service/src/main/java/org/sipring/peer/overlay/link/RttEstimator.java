package org.sipring.peer.overlay.link;

/**
 * The RFC 6298 §2 retransmission-timeout estimator, fed with RTT samples taken from framing-header
 * ACKs (RFC 6940 §6.6.5). As RFC 6940 §6.6.3.1 asks, the RTO is rounded up to the millisecond rather
 * than to a second: the clock granularity G is 1 ms and there is no 1-second floor. The RTO is capped
 * at 60 s (RFC 6298 rule 2.5). Not thread-safe: one connection's event loop owns it.
 */
public final class RttEstimator {

    /** RFC 6298 (2.1): RTO before the first sample. */
    public static final long INITIAL_RTO_NANOS = 1_000_000_000L;
    public static final long MAX_RTO_NANOS = 60_000_000_000L;
    private static final long GRANULARITY_NANOS = 1_000_000L;

    private long srtt;
    private long rttvar;
    private long rto = INITIAL_RTO_NANOS;
    private long samples;

    /** Adds one measured round-trip time in nanoseconds (negative values are ignored). */
    public void sample(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        if (samples == 0) {
            // (2.2) SRTT <- R, RTTVAR <- R/2
            srtt = rttNanos;
            rttvar = rttNanos / 2;
        } else {
            // (2.3) beta = 1/4, alpha = 1/8; RTTVAR uses the SRTT from before this sample.
            rttvar = (3 * rttvar + Math.abs(srtt - rttNanos)) / 4;
            srtt = (7 * srtt + rttNanos) / 8;
        }
        samples++;
        long raw = srtt + Math.max(GRANULARITY_NANOS, 4 * rttvar);
        long roundedUpToMs = (raw + GRANULARITY_NANOS - 1) / GRANULARITY_NANOS * GRANULARITY_NANOS;
        rto = Math.min(roundedUpToMs, MAX_RTO_NANOS);
    }

    public long srttNanos() {
        return srtt;
    }

    public long rttvarNanos() {
        return rttvar;
    }

    public long rtoNanos() {
        return rto;
    }

    public long samples() {
        return samples;
    }
}
