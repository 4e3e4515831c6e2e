package org.sipring.peer.overlay.link;

/**
 * The receiver's side of the §6.6.2 framing: remembers the 32 most recently received sequence
 * numbers and builds the {@code received} bitmask of each ACK. Not thread-safe.
 */
final class ReceiveWindow {

    private final int[] recent = new int[32];
    private int count;
    private int pos;

    /**
     * Records data frame {@code n} and returns the bitmask for its ACK: bit {@code n-m} (bit 0 the
     * least significant) is set for each earlier m among the last 32 received with n-32 &lt; m &lt; n.
     */
    int receive(int n) {
        int mask = 0;
        for (int i = 0; i < count; i++) {
            int d = n - recent[i];
            if (d > 0 && d < 32) {
                mask |= 1 << d;
            }
        }
        recent[pos] = n;
        pos = (pos + 1) & 31;
        if (count < 32) {
            count++;
        }
        return mask;
    }
}
