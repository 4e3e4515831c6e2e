package org.sipring.peer.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.app.config.InvalidPropertyException;
import org.sipring.peer.app.config.JoinPolicy;
import org.sipring.peer.app.config.PeerStartupException;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.id.NodeId;

class PeerLifecycleTest {

    @TempDir
    Path dir;

    final FakeOverlay overlay = new FakeOverlay(FakeOverlay.peer('a', 1));
    final List<NodeId> identified = new CopyOnWriteArrayList<>();
    PeerLifecycle lifecycle;

    PeerLifecycle lifecycle(Duration initial, Duration max) {
        JoinPolicy policy = new JoinPolicy(List.of(FakeOverlay.address(2)), initial, max, Duration.ofSeconds(2));
        lifecycle = new PeerLifecycle(overlay, policy, new NodeIdStore(dir), new SplittableRandom(7), identified::add);
        return lifecycle;
    }

    @AfterEach
    void stop() {
        if (lifecycle != null) {
            lifecycle.stop();
        }
    }

    @Test
    void joinsPersistsTheIdAndNamesThePeer() {
        PeerLifecycle l = lifecycle(Duration.ofMillis(10), Duration.ofMillis(50));
        l.start();
        assertThat(overlay.started).isTrue();
        assertThat(l.joined()).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(overlay.self.id());
        assertThat(identified).containsExactly(overlay.self.id());
        assertThat(new NodeIdStore(dir).load()).contains(overlay.self.id());
        assertThat(l.isRunning()).isTrue();
    }

    @Test
    void retriesFailedJoinsWithBackoff() {
        overlay.joinFailuresLeft.set(3);
        PeerLifecycle l = lifecycle(Duration.ofMillis(10), Duration.ofMillis(40));
        l.start();
        assertThat(l.joined()).succeedsWithin(Duration.ofSeconds(5));
        assertThat(overlay.joins).hasValue(4);
        assertThat(overlay.state).isEqualTo(PeerState.ACTIVE);
    }

    @Test
    void backoffDoublesUpToTheMaximumWithBoundedJitter() {
        PeerLifecycle l = lifecycle(Duration.ofMillis(1000), Duration.ofMillis(30_000));
        for (int n = 1; n <= 40; n++) {
            long nominal = Math.min(30_000, 1000L << Math.min(n - 1, 20));
            assertThat(l.backoff(n).toMillis()).as("attempt %d", n)
                .isBetween(Math.round(nominal * 0.8), Math.min(30_000, Math.round(nominal * 1.2)));
        }
    }

    @Test
    void stopLeavesAnActivePeerAndClosesTheOverlay() {
        PeerLifecycle l = lifecycle(Duration.ofMillis(10), Duration.ofMillis(50));
        l.start();
        assertThat(l.joined()).succeedsWithin(Duration.ofSeconds(5));
        l.stop();
        assertThat(overlay.leaves).hasValue(1);
        assertThat(overlay.closed).isTrue();
        assertThat(l.isRunning()).isFalse();
    }

    @Test
    void stopDoesNotLeaveWhatItNeverJoined() {
        overlay.joinFailuresLeft.set(Integer.MAX_VALUE);
        PeerLifecycle l = lifecycle(Duration.ofSeconds(10), Duration.ofSeconds(10));
        l.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> overlay.joins.get() >= 1);
        l.stop();
        assertThat(overlay.leaves).hasValue(0);
        assertThat(overlay.closed).isTrue();
    }

    @Test
    void drainProgressIsTheOverlays() {
        PeerLifecycle l = lifecycle(Duration.ofMillis(10), Duration.ofMillis(50));
        assertThat(l.drainProgress()).isEqualTo(DrainProgress.NONE);
        overlay.drainProgress = new DrainProgress(3, 300, 7, false);
        assertThat(l.drainProgress()).isEqualTo(new DrainProgress(3, 300, 7, false));
    }

    @Test
    void leaveIsIdempotentAndStopsJoinRetries() {
        overlay.joinFailuresLeft.set(Integer.MAX_VALUE);
        PeerLifecycle l = lifecycle(Duration.ofMillis(5), Duration.ofMillis(5));
        l.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> overlay.joins.get() >= 2);
        assertThat(l.leave()).succeedsWithin(Duration.ofSeconds(1));
        assertThat(l.leave()).succeedsWithin(Duration.ofSeconds(1));
        assertThat(overlay.leaves).hasValue(1);
        int joinsAfterLeave = overlay.joins.get();
        // One attempt may have been in flight; no new one is scheduled after it.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
            .until(() -> overlay.joins.get() <= joinsAfterLeave + 1);
        l.stop();
        assertThat(overlay.leaves).hasValue(1);
    }

    @Test
    void aBusyListenPortNamesTheListenProperty() {
        overlay.startFailure = new IllegalStateException("link failed", new BindException("Address already in use"));
        PeerLifecycle l = lifecycle(Duration.ofMillis(10), Duration.ofMillis(50));
        assertThatThrownBy(l::start).isInstanceOfSatisfying(InvalidPropertyException.class,
            e -> assertThat(e.getMessage()).isEqualTo("peer.overlay.listen: cannot listen: Address already in use"));
        lifecycle = null;
    }

    @Test
    void otherStartFailuresBecomeOneLine() {
        overlay.startFailure = new UncheckedIOException("disk", new java.io.IOException("gone"));
        PeerLifecycle l = lifecycle(Duration.ofMillis(10), Duration.ofMillis(50));
        assertThatThrownBy(l::start).isInstanceOf(PeerStartupException.class).hasMessageStartingWith("the overlay did not start");
        lifecycle = null;
    }
}
