package org.sipring.peer.overlay.link;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 6298 RTO arithmetic, the ACK bitmask and the unacknowledged-frame window. */
class FramingStateTest {

    private static final long MS = 1_000_000L;

    @Test
    void rtoStartsAtOneSecondAndFollowsRfc6298() {
        RttEstimator e = new RttEstimator();
        assertThat(e.rtoNanos()).isEqualTo(1000 * MS);
        e.sample(100 * MS);                       // (2.2): SRTT=100, RTTVAR=50, RTO=100+4*50
        assertThat(e.srttNanos()).isEqualTo(100 * MS);
        assertThat(e.rttvarNanos()).isEqualTo(50 * MS);
        assertThat(e.rtoNanos()).isEqualTo(300 * MS);
        e.sample(200 * MS);                       // (2.3): RTTVAR=3/4*50+1/4*100=62.5, SRTT=7/8*100+1/8*200=112.5
        assertThat(e.rttvarNanos()).isEqualTo(62_500_000L);
        assertThat(e.srttNanos()).isEqualTo(112_500_000L);
        assertThat(e.rtoNanos()).isEqualTo(363 * MS); // 112.5 + 250 = 362.5, rounded up to the ms
        assertThat(e.samples()).isEqualTo(2);
    }

    @Test
    void rtoHasAMillisecondGranularityFloorAndNoOneSecondFloor() {
        RttEstimator e = new RttEstimator();
        e.sample(100_000L);                       // 0.1 ms on loopback
        assertThat(e.rtoNanos()).isEqualTo(1 * MS + 0 * MS + MS); // 0.1 + max(1, 0.2) = 1.1 -> 2 ms
        for (int i = 0; i < 200; i++) {
            e.sample(100_000L);
        }
        assertThat(e.rtoNanos()).isBetween(1 * MS, 2 * MS);
    }

    @Test
    void rtoIsCappedAtSixtySeconds() {
        RttEstimator e = new RttEstimator();
        e.sample(50_000 * MS);
        assertThat(e.rtoNanos()).isEqualTo(RttEstimator.MAX_RTO_NANOS);
    }

    @Test
    void ackBitmaskMarksTheEarlierSequencesReceived() {
        ReceiveWindow w = new ReceiveWindow();
        assertThat(w.receive(0)).isZero();
        for (int i = 1; i < 5; i++) {
            w.receive(i);
        }
        assertThat(w.receive(5)).isEqualTo(0b111110); // 4,3,2,1,0 -> bits 1..5
        for (int i = 6; i < 100; i++) {
            w.receive(i);
        }
        assertThat(w.receive(100)).isEqualTo(0xfffffffe); // bits 1..31: bit 32 does not exist
    }

    @Test
    void ackBitmaskWrapsAroundTheSequenceSpace() {
        ReceiveWindow w = new ReceiveWindow();
        w.receive(0xfffffffe);
        w.receive(0xffffffff);
        assertThat(w.receive(0)).isEqualTo(0b110);
    }

    @Test
    void ackSettlesEveryEarlierFrameAndGivesOneRttSample() {
        SendWindow w = new SendWindow();
        assertThat(w.next(0)).isZero();
        assertThat(w.next(10)).isEqualTo(1);
        assertThat(w.next(20)).isEqualTo(2);
        assertThat(w.oldestUnackedSentNanos()).isZero();
        assertThat(w.ack(1, 35)).isEqualTo(SendWindow.AckOutcome.SETTLED);
        assertThat(w.lastSampleNanos()).isEqualTo(25);
        assertThat(w.unackedCount()).isEqualTo(1);
        assertThat(w.oldestUnackedSentNanos()).isEqualTo(20);
        assertThat(w.ack(0, 40)).isEqualTo(SendWindow.AckOutcome.DUPLICATE);
        assertThat(w.lastSampleNanos()).isEqualTo(-1);
        assertThat(w.ack(2, 50)).isEqualTo(SendWindow.AckOutcome.SETTLED);
        assertThat(w.unackedCount()).isZero();
        assertThat(w.oldestUnackedSentNanos()).isEqualTo(-1);
    }

    @Test
    void ackForASequenceNeverSentIsRejected() {
        SendWindow w = new SendWindow();
        assertThat(w.ack(0, 0)).isEqualTo(SendWindow.AckOutcome.NEVER_SENT);
        w.next(0);
        assertThat(w.ack(1, 0)).isEqualTo(SendWindow.AckOutcome.NEVER_SENT);
        assertThat(w.ack(-1, 0)).isEqualTo(SendWindow.AckOutcome.NEVER_SENT);
        assertThat(w.ack(0, 0)).isEqualTo(SendWindow.AckOutcome.SETTLED);
    }
}
