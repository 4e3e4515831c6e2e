package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Five real peers on 127.0.0.1-5 over plain TCP: the ring converges; it repairs after a SIGKILL
 * and after a graceful leave; a new peer joins; a killed peer restarts under its persisted id.
 * After each step every live peer's successors and predecessors are exactly those of the ring.
 */
class OverlayMembershipIT {

    static final Duration CONVERGE = Duration.ofSeconds(90);
    static LocalCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.plain("OverlayMembershipIT");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void ringConvergesAndRepairsThroughCrashLeaveAndJoin() throws Exception {
        // 1. peer1 founds the overlay; peers 2-5 join through it.
        PeerProcess p1 = cluster.start(1, List.of());
        p1.awaitActive();
        List<PeerProcess> live = new ArrayList<>(List.of(p1));
        for (int n = 2; n <= 5; n++) {
            live.add(cluster.start(n, List.of(p1)));
        }
        live.forEach(PeerProcess::awaitActive);
        Ring ring = LocalCluster.awaitRing(live, CONVERGE);
        assertThat(ring.ids()).hasSize(5);
        for (PeerProcess p : live) {
            await(p.name() + " knows every peer").atMost(CONVERGE)
                .until(() -> p.overlayPeerIds().containsAll(ring.ids()));
            assertThat(p.overlayPeerIds()).isSorted();
        }

        // 2. SIGKILL peer3: the others drop it from their neighbour tables.
        PeerProcess p3 = live.get(2);
        String p3Id = p3.status().nodeId();
        assertThat(Files.readString(cluster.dataDir(3).resolve("node-id")).trim()).isEqualTo(p3Id);
        p3.kill();
        live.remove(p3);
        Ring afterCrash = LocalCluster.awaitRing(live, CONVERGE);
        assertThat(afterCrash.ids()).hasSize(4).doesNotContain(p3Id);

        // 3. peer4 leaves gracefully through the admin API.
        PeerProcess p4 = live.get(2);
        assertThat(p4.name()).isEqualTo("peer4");
        String p4Id = p4.status().nodeId();
        assertThat(p4.call("POST", "/api/v1/peer/leave", PeerProcess.ADMIN_TOKEN).statusCode()).isEqualTo(202);
        p4.awaitState("LEFT", Duration.ofSeconds(30));
        live.remove(p4);
        Ring afterLeave = LocalCluster.awaitRing(live, CONVERGE);
        assertThat(afterLeave.ids()).hasSize(3).doesNotContain(p3Id, p4Id);
        p4.stop(Duration.ofSeconds(30));

        // 4. a new peer (fresh data directory) joins later through the live peers.
        PeerProcess p6 = cluster.start(6, live);
        p6.awaitActive();
        live.add(p6);
        Ring afterJoin = LocalCluster.awaitRing(live, CONVERGE);
        assertThat(afterJoin.ids()).hasSize(4);

        // 5. peer3 restarts from its data directory and comes back under the same Node-ID.
        PeerProcess p3again = cluster.start(3, live);
        assertThat(p3again.awaitActive().nodeId()).isEqualTo(p3Id);
        live.add(p3again);
        Ring finalRing = LocalCluster.awaitRing(live, CONVERGE);
        assertThat(finalRing.ids()).hasSize(5).contains(p3Id).doesNotContain(p4Id);

        for (PeerProcess p : live) {
            p.assertAlive();
        }
    }
}
