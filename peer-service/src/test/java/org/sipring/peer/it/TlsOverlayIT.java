package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Three peers over TLS with certificates from a development CA form a ring and leave it gracefully. */
class TlsOverlayIT {

    static LocalCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.withTls("TlsOverlayIT");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void threePeersFormARingOverTls() {
        PeerProcess p1 = cluster.start(1, List.of());
        p1.awaitActive();
        List<PeerProcess> live = new ArrayList<>(List.of(p1, cluster.start(2, List.of(p1)), cluster.start(3, List.of(p1))));
        Ring ring = LocalCluster.awaitRing(live, Duration.ofSeconds(90));
        assertThat(ring.ids()).hasSize(3);

        // A graceful stop (SIGTERM) leaves the overlay; the other two close the ring.
        PeerProcess p2 = live.remove(1);
        p2.stop(Duration.ofSeconds(40));
        assertThat(p2.logText()).contains("left the overlay");
        assertThat(LocalCluster.awaitRing(live, Duration.ofSeconds(60)).ids()).hasSize(2);
    }
}
