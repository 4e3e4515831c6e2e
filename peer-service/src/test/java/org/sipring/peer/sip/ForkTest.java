package org.sipring.peer.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForkTest {

    @Test
    void startsTheFirstGroupInParallel() {
        Fork f = new Fork(List.of(2, 1), true);
        assertThat(f.start().start()).containsExactly(0, 1);
        assertThat(f.start().start()).as("started once").isEmpty();
    }

    @Test
    void theNextGroupStartsOnlyWhenEveryBranchOfTheGroupFailed() {
        Fork f = new Fork(List.of(2, 1), true);
        f.start();
        assertThat(f.failure(0, 486)).isEqualTo(new Fork.Decision(List.of(), List.of(), false, -1, 0));
        Fork.Decision d = f.failure(1, 404);
        assertThat(d.start()).containsExactly(2);
        assertThat(d.sendsFinal()).isFalse();
        Fork.Decision last = f.failure(2, 480);
        assertThat(last.finalBranch()).as("the lowest class, first received: the 486").isEqualTo(0);
        assertThat(f.ended()).isTrue();
    }

    @Test
    void provisionalResponsesAreForwardedUntilAFinalOne() {
        Fork f = new Fork(List.of(2), true);
        f.start();
        assertThat(f.provisional(0).forward()).isTrue();
        assertThat(f.success(1).forward()).isTrue();
        assertThat(f.provisional(0).forward()).as("after the 200").isFalse();
    }

    @Test
    void aSuccessCancelsTheOtherRingingBranchesAndLaterOnesWhenTheyRing() {
        Fork f = new Fork(List.of(3), true);
        f.start();
        f.provisional(0);
        Fork.Decision d = f.success(1);
        assertThat(d.cancel()).containsExactly(0);
        assertThat(d.forward()).isTrue();
        assertThat(f.provisional(2).cancel()).as("cancelled once it has a provisional response (§9.1)").containsExactly(2);
        assertThat(f.provisional(2).cancel()).as("only once").isEmpty();
        assertThat(f.failure(0, 487)).as("the cancelled branch's 487 goes nowhere").isEqualTo(
            new Fork.Decision(List.of(), List.of(), false, -1, 0));
    }

    @Test
    void everyInvite2xxIsForwardedButOnlyTheFirstNonInviteOne() {
        Fork invite = new Fork(List.of(2), true);
        invite.start();
        assertThat(invite.success(0).forward()).isTrue();
        assertThat(invite.success(1).forward()).as("a second dialog the caller must see").isTrue();
        Fork message = new Fork(List.of(2), false);
        message.start();
        assertThat(message.success(0).forward()).isTrue();
        assertThat(message.success(1).forward()).isFalse();
    }

    @Test
    void aGlobalFailureEndsTheSearchAndCancelsTheRest() {
        Fork f = new Fork(List.of(2, 1), true);
        f.start();
        f.provisional(1);
        Fork.Decision d = f.failure(0, 603);
        assertThat(d.finalBranch()).isEqualTo(0);
        assertThat(d.cancel()).containsExactly(1);
        assertThat(d.start()).as("no lower-q group after a 6xx").isEmpty();
        assertThat(f.ended()).isTrue();
    }

    @Test
    void aCancelAnswers487AndCancelsEveryPendingBranch() {
        Fork f = new Fork(List.of(2, 1), true);
        f.start();
        f.provisional(0);
        Fork.Decision d = f.cancel();
        assertThat(d.finalStatus()).isEqualTo(487);
        assertThat(d.cancel()).containsExactly(0);
        assertThat(f.provisional(1).cancel()).containsExactly(1);
        assertThat(f.failure(0, 487).start()).as("no further group after a CANCEL").isEmpty();
        assertThat(f.failure(1, 487).sendsFinal()).isFalse();
        assertThat(f.cancel().sendsFinal()).as("a second CANCEL").isFalse();
    }

    @Test
    void timerCAnswers408() {
        Fork f = new Fork(List.of(1), true);
        f.start();
        f.provisional(0);
        Fork.Decision d = f.timeout();
        assertThat(d.finalStatus()).isEqualTo(408);
        assertThat(d.cancel()).containsExactly(0);
    }

    @Test
    void aCancelAfterTheFinalResponseChangesNothingUpstream() {
        Fork f = new Fork(List.of(1), true);
        f.start();
        f.failure(0, 486);
        assertThat(f.cancel().sendsFinal()).isFalse();
    }

    @Test
    void eventsOfBranchesNotStartedOrFinishedAreIgnored() {
        Fork f = new Fork(List.of(1, 1), true);
        f.start();
        assertThat(f.provisional(1).forward()).isFalse();
        assertThat(f.failure(1, 500).sendsFinal()).isFalse();
        assertThat(f.success(1).forward()).isFalse();
        f.failure(0, 404);
        assertThat(f.failure(0, 404).start()).as("a retransmitted final").isEmpty();
    }

    @Test
    void refusesAnEmptyTargetSet() {
        assertThatThrownBy(() -> new Fork(List.of(), true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fork(List.of(1, 0), true)).isInstanceOf(IllegalArgumentException.class);
    }
}
