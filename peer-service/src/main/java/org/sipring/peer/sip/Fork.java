package org.sipring.peer.sip;

import java.util.ArrayList;
import java.util.List;

/**
 * The response context of one proxied request (RFC 3261 §16.7, §16.10), as a state machine with
 * no SIP stack in it: the adapter reports what happened on each branch and executes the
 * {@link Decision} it gets back. Branches are numbered across the groups of a {@link TargetSet},
 * group by group; a group starts only when every branch of the previous one failed (sequential
 * search by q), the branches of a group run in parallel.
 *
 * <ul>
 *   <li>a provisional response other than 100 is forwarded while no final response was sent;</li>
 *   <li>a 2xx is forwarded at once, and for INVITE every later 2xx too (each is a dialog the caller
 *       must see); it cancels the other pending branches (§16.7 step 10);</li>
 *   <li>a 6xx ends the search and cancels the other branches;</li>
 *   <li>once every branch failed, the best response is chosen ({@link ResponseChoice});</li>
 *   <li>a CANCEL from upstream (or timer C) answers 487 (or 408) and cancels every pending
 *       branch; a branch with no provisional response yet is cancelled when one arrives (§9.1).</li>
 * </ul>
 *
 * <p>Not thread-safe: the adapter serializes the events of one context.
 */
public final class Fork {

    /**
     * What the adapter does after an event, in this order: cancel these branches, start these
     * branches, forward the response that caused the event, send a final response.
     *
     * @param finalBranch the branch whose stored final response goes upstream, or -1
     * @param finalStatus a status the proxy answers with itself, or 0
     */
    public record Decision(List<Integer> cancel, List<Integer> start, boolean forward, int finalBranch,
                           int finalStatus) {
        static final Decision NOTHING = new Decision(List.of(), List.of(), false, -1, 0);

        public Decision {
            cancel = List.copyOf(cancel);
            start = List.copyOf(start);
        }

        public boolean sendsFinal() {
            return finalBranch >= 0 || finalStatus > 0;
        }
    }

    private enum BranchState { IDLE, CALLING, PROCEEDING, DONE }

    private final boolean invite;
    private final int[] groupStart;
    private final BranchState[] state;
    private final boolean[] cancelWhenProceeding;
    private final boolean[] cancelled;
    private final List<Integer> failedBranches = new ArrayList<>();
    private final List<Integer> failedStatuses = new ArrayList<>();
    private int group = -1;
    private boolean finalSent;
    private boolean ended;

    /**
     * @param groupSizes how many branches each group has, in the order they are tried
     * @param invite     whether the request is an INVITE (2xx from several branches all go upstream)
     */
    public Fork(List<Integer> groupSizes, boolean invite) {
        if (groupSizes.isEmpty() || groupSizes.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("at least one group, each with a branch: " + groupSizes);
        }
        this.invite = invite;
        this.groupStart = new int[groupSizes.size() + 1];
        for (int g = 0; g < groupSizes.size(); g++) {
            groupStart[g + 1] = groupStart[g] + groupSizes.get(g);
        }
        int n = groupStart[groupSizes.size()];
        this.state = new BranchState[n];
        java.util.Arrays.fill(state, BranchState.IDLE);
        this.cancelWhenProceeding = new boolean[n];
        this.cancelled = new boolean[n];
    }

    /** Starts the first group. */
    public Decision start() {
        if (group >= 0) {
            return Decision.NOTHING;
        }
        return new Decision(List.of(), startNextGroup(), false, -1, 0);
    }

    /** A provisional response (101-199) arrived on a branch. */
    public Decision provisional(int branch) {
        if (state[branch] != BranchState.CALLING && state[branch] != BranchState.PROCEEDING) {
            return Decision.NOTHING;
        }
        state[branch] = BranchState.PROCEEDING;
        List<Integer> cancel = List.of();
        if (cancelWhenProceeding[branch]) {
            cancelWhenProceeding[branch] = false;
            cancelled[branch] = true;
            cancel = List.of(branch);
        }
        return new Decision(cancel, List.of(), !finalSent, -1, 0);
    }

    /** A 2xx arrived on a branch. */
    public Decision success(int branch) {
        if (state[branch] == BranchState.IDLE || (state[branch] == BranchState.DONE && !invite)) {
            return Decision.NOTHING;
        }
        state[branch] = BranchState.DONE;
        boolean forward = invite || !finalSent;
        finalSent = true;
        ended = true;
        return new Decision(cancelPending(), List.of(), forward, -1, 0);
    }

    /**
     * A branch failed: a final response of 300 or more arrived, or the adapter synthesized one
     * (408 on a timeout, 430 when the flow is gone, 503 when the request could not be sent).
     */
    public Decision failure(int branch, int status) {
        if (state[branch] == BranchState.IDLE || state[branch] == BranchState.DONE) {
            return Decision.NOTHING;
        }
        state[branch] = BranchState.DONE;
        cancelWhenProceeding[branch] = false;
        failedBranches.add(branch);
        failedStatuses.add(status);
        if (finalSent) {
            return Decision.NOTHING;
        }
        if (status >= 600) {
            finalSent = true;
            ended = true;
            return new Decision(cancelPending(), List.of(), false, branch, 0);
        }
        if (anyPending()) {
            return Decision.NOTHING;
        }
        if (group + 1 < groupStart.length - 1) {
            return new Decision(List.of(), startNextGroup(), false, -1, 0);
        }
        finalSent = true;
        ended = true;
        int chosen = ResponseChoice.best(failedStatuses);
        return new Decision(List.of(), List.of(), false, failedBranches.get(chosen), 0);
    }

    /** The caller cancelled (RFC 3261 §16.10): 487, and every pending branch is cancelled. */
    public Decision cancel() {
        return stop(487);
    }

    /** Timer C fired (RFC 3261 §16.8): 408, and every pending branch is cancelled. */
    public Decision timeout() {
        return stop(408);
    }

    /** Whether the search is over: a final response went upstream and no group will start. */
    public boolean ended() {
        return ended;
    }

    /** Whether a branch may still answer (it was started and has not finished). */
    public boolean pending(int branch) {
        return state[branch] == BranchState.CALLING || state[branch] == BranchState.PROCEEDING;
    }

    private Decision stop(int status) {
        ended = true;
        List<Integer> cancel = cancelPending();
        if (finalSent) {
            return new Decision(cancel, List.of(), false, -1, 0);
        }
        finalSent = true;
        return new Decision(cancel, List.of(), false, -1, status);
    }

    private List<Integer> startNextGroup() {
        group++;
        List<Integer> started = new ArrayList<>();
        for (int b = groupStart[group]; b < groupStart[group + 1]; b++) {
            state[b] = BranchState.CALLING;
            started.add(b);
        }
        return started;
    }

    /** Pending branches with a provisional response are cancelled now, the others when one arrives. */
    private List<Integer> cancelPending() {
        List<Integer> now = new ArrayList<>();
        for (int b = 0; b < state.length; b++) {
            if (cancelled[b]) {
                continue;
            }
            if (state[b] == BranchState.PROCEEDING) {
                cancelled[b] = true;
                now.add(b);
            } else if (state[b] == BranchState.CALLING) {
                cancelWhenProceeding[b] = true;
            }
        }
        return now;
    }

    private boolean anyPending() {
        for (BranchState s : state) {
            if (s == BranchState.CALLING || s == BranchState.PROCEEDING) {
                return true;
            }
        }
        return false;
    }
}
