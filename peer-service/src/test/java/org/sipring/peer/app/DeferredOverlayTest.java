package org.sipring.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerState;

class DeferredOverlayTest {

    @Test
    void buildsOnStartOnceAndDelegates() {
        AtomicInteger built = new AtomicInteger();
        FakeOverlay fake = new FakeOverlay(FakeOverlay.peer('b', 2));
        DeferredOverlay overlay = new DeferredOverlay(() -> {
            built.incrementAndGet();
            return fake;
        });
        assertThat(built).hasValue(0);
        assertThat(overlay.snapshot()).failsWithin(Duration.ofSeconds(1)).withThrowableThat()
            .havingCause().isInstanceOf(OverlayException.NotJoined.class);

        overlay.start();
        overlay.start();
        assertThat(built).hasValue(1);
        assertThat(fake.started).isTrue();
        assertThat(overlay.join(List.of())).succeedsWithin(Duration.ofSeconds(1));
        assertThat(overlay.snapshot()).succeedsWithin(Duration.ofSeconds(1))
            .satisfies(s -> assertThat(s.state()).isEqualTo(PeerState.ACTIVE));
        overlay.close();
        assertThat(fake.closed).isTrue();
    }

    @Test
    void aFailedStartClosesWhatWasBuilt() {
        FakeOverlay fake = new FakeOverlay(FakeOverlay.peer('b', 2));
        fake.startFailure = new IllegalStateException("port in use");
        DeferredOverlay overlay = new DeferredOverlay(() -> fake);
        org.assertj.core.api.Assertions.assertThatThrownBy(overlay::start).hasMessage("port in use");
        assertThat(fake.closed).isTrue();
        assertThat(overlay.snapshot()).isCompletedExceptionally();
    }

    @Test
    void closingWhatNeverStartedIsHarmless() {
        new DeferredOverlay(() -> {
            throw new AssertionError("must not be built");
        }).close();
    }
}
