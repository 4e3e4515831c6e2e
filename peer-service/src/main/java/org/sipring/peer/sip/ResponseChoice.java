package org.sipring.peer.sip;

import java.util.List;

/**
 * Which final response a forking proxy returns when no branch succeeded (RFC 3261 §16.7 step 6):
 * a 6xx if any branch gave one, else the lowest class, and within a class the first received.
 * 503 is never passed upstream as such (the branch's server being unavailable is not the
 * caller's next hop being unavailable): it becomes 500. No branch response at all is 408.
 */
public final class ResponseChoice {

    private ResponseChoice() {
    }

    /**
     * The index of the chosen response among the final status codes in arrival order, or -1 when
     * there is none (the proxy then answers 408).
     */
    public static int best(List<Integer> finals) {
        int chosen = -1;
        for (int i = 0; i < finals.size(); i++) {
            int s = finals.get(i);
            if (s >= 600) {
                return i;
            }
            if (chosen < 0 || s / 100 < finals.get(chosen) / 100) {
                chosen = i;
            }
        }
        return chosen;
    }

    /** The status sent upstream for a chosen branch response. */
    public static int upstream(int status) {
        return status == 503 ? 500 : status;
    }
}
