package org.sipring.peer.overlay.topology.chord.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.MessageBody.PushOp;
import org.sipring.peer.overlay.message.MessageBody.SyncReq;
import org.sipring.peer.overlay.topology.chord.sim.ChordSimulation.SimPeer;
import org.sipring.peer.storage.KindRegistry;
import org.sipring.peer.storage.KindSpec;

/**
 * A drain's hand-over whose link is cut half-way resumes from its cursor after the cut: every
 * slot reaches the successor, and no more than one batch is sent twice.
 */
class MigrationResumeTest {

    private static final Kind DICT = new Kind(0xf0000003L, "dictionary", DataModel.DICTIONARY);
    private static final KindRegistry KINDS = new KindRegistry(List.of(new KindSpec(DICT, 100, 1024)));
    private static final int VALUES = 2_000;

    @Test
    void aHandOverCutHalfWayResendsAtMostOneBatch() {
        long seed = SimSeeds.base();
        ChordSimulation sim = new ChordSimulation(seed, ChordSimulation::fastTimers)
            .withStorage(KINDS, Map.of(), ChordSimulation.fastSync());
        int batch = ChordSimulation.fastSync().batchSlots();
        sim.grow(8, 300);
        sim.runFor(3 * sim.stabilizeMillis());

        int[] acked = {0};
        for (int i = 0; i < VALUES; i++) {
            List<SimPeer> live = sim.livePeers();
            SimPeer from = live.get(i % live.size());
            CompletableFuture<StoreResult> f = new CompletableFuture<>();
            from.client.store(from.peer, ResourceId.ofName("key-" + i), DICT, List.of(new StoredValue(0, 3600, 0,
                "k".getBytes(StandardCharsets.UTF_8), true, ("v" + i).getBytes(StandardCharsets.UTF_8))), f);
            f.thenRun(() -> acked[0]++);
            sim.runFor(2);
        }
        sim.runFor(5_000);
        assertThat(acked[0]).as("seed %d: values stored", seed).isEqualTo(VALUES);

        SimPeer leaving = sim.livePeers().get(sim.random.nextInt(sim.livePeers().size()));
        NodeId successor = leaving.peer.successors().get(0);
        PeerAddress successorAddress = sim.peers().stream().filter(p -> p.id().equals(successor)).findFirst()
            .orElseThrow().peer.address();
        // the successor takes over (third predecessor, leaving peer]
        IdInterval range = IdInterval.openClosed(leaving.peer.predecessors().get(2), leaving.id());
        List<Slot> toHand = leaving.storage.scan(range, null, Integer.MAX_VALUE, Integer.MAX_VALUE).join();
        assertThat(toHand.size()).as("seed %d: enough slots for several batches", seed).isGreaterThan(4 * batch);

        Map<SlotKey, Integer> delivered = new HashMap<>();
        sim.net.onDelivery((to, m) -> {
            if (to.equals(successorAddress) && m.body() instanceof SyncReq r && r.op() instanceof PushOp p) {
                p.slots().forEach(s -> delivered.merge(s.key(), 1, Integer::sum));
            }
        });
        CompletableFuture<Void> left = sim.leave(leaving);
        for (int t = 0; t < 60_000 && delivered.size() < toHand.size() / 2; t += 5) {
            sim.runFor(5);
        }
        assertThat(delivered.size()).as("seed %d: half handed over before the cut", seed)
            .isGreaterThanOrEqualTo(toHand.size() / 2).isLessThan(toHand.size());

        // cut the leaving peer off for a second: shorter than failure detection (5 x 400 ms)
        sim.net.partition(Set.of(leaving.peer.address()));
        sim.runFor(1_000);
        assertThat(delivered.size()).as("seed %d: the cut stopped the hand-over", seed).isLessThan(toHand.size());
        sim.net.healPartitions();
        for (int t = 0; t < 60_000 && !left.isDone(); t += 50) {
            sim.runFor(50);
        }

        assertThat(left).as("seed %d: the drain finished", seed).isDone();
        assertThat(delivered.keySet()).as("seed %d: every slot reached the successor", seed)
            .containsAll(toHand.stream().map(Slot::key).toList());
        long sentTwice = delivered.values().stream().filter(n -> n > 1).count();
        assertThat(sentTwice).as("seed %d: slots sent more than once", seed).isLessThanOrEqualTo(batch);
    }
}
