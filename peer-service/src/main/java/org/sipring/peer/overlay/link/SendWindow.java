package org.sipring.peer.overlay.link;

import java.util.ArrayDeque;

/**
 * The sender's side of the §6.6.2 framing: hands out sequence numbers (0, 1, 2, ... per connection,
 * uint32 on the wire) and remembers when each unacknowledged frame was sent.
 *
 * <p>TCP delivers in order, so an ACK for sequence N also settles every earlier frame; the
 * {@code received} bitmask adds nothing over TCP and is not needed here. An ACK for a frame already
 * settled is a harmless duplicate. An ACK for a sequence number never sent is a protocol error.
 * Not thread-safe: one connection's event loop owns it.
 */
final class SendWindow {

    /** What an ACK did. */
    enum AckOutcome { SETTLED, DUPLICATE, NEVER_SENT }

    private final ArrayDeque<long[]> unacked = new ArrayDeque<>(); // {sequence, sentNanos}
    private long next; // 64-bit count of frames sent; the wire carries its low 32 bits
    private long lastSampleNanos = -1;

    /** Assigns the next sequence number to a frame sent at {@code nowNanos}. */
    int next(long nowNanos) {
        long seq = next++;
        unacked.addLast(new long[] {seq, nowNanos});
        return (int) seq;
    }

    /**
     * Applies an ACK. On {@link AckOutcome#SETTLED} with the acknowledged frame still tracked,
     * {@link #lastSampleNanos()} holds its round-trip time, else -1.
     */
    AckOutcome ack(int ackSequence, long nowNanos) {
        lastSampleNanos = -1;
        if (next == 0) {
            return AckOutcome.NEVER_SENT;
        }
        long latest = next - 1;
        long back = Integer.toUnsignedLong((int) latest - ackSequence);
        if (back >= Math.min(next, 1L << 31)) {
            return AckOutcome.NEVER_SENT;
        }
        long acked = latest - back;
        boolean settled = false;
        while (!unacked.isEmpty() && unacked.peekFirst()[0] <= acked) {
            long[] e = unacked.pollFirst();
            settled = true;
            if (e[0] == acked) {
                lastSampleNanos = Math.max(0, nowNanos - e[1]);
            }
        }
        return settled ? AckOutcome.SETTLED : AckOutcome.DUPLICATE;
    }

    long lastSampleNanos() {
        return lastSampleNanos;
    }

    int unackedCount() {
        return unacked.size();
    }

    /** Send time of the oldest unacknowledged frame, or -1 when everything is acknowledged. */
    long oldestUnackedSentNanos() {
        long[] e = unacked.peekFirst();
        return e == null ? -1 : e[1];
    }

    long framesSent() {
        return next;
    }
}
