package org.sipring.peer.overlay.topology.chord;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.MessageBody.PushOp;
import org.sipring.peer.overlay.message.MessageBody.SyncAns;
import org.sipring.peer.overlay.message.MessageBody.SyncReq;

/**
 * Hands stray copies to their owners and drops them. A stray copy is a slot outside the range
 * this peer keeps ({@link ChordPeer#keptRange()}): left behind when a peer joined between this
 * peer and a range it replicated, or after a partition or a restart. Nobody compares it any more,
 * so it would outlive the deletion markers of the live copies and could bring deleted data back
 * the day its holder becomes a replica of that range again.
 *
 * <p>A round scans what lies outside the kept range in batches; each batch goes to the peers
 * that own its slots by this peer's view, who merge it by the RELOAD rules (so nothing newer
 * there is overwritten, and nothing only this peer had is lost); once every owner has confirmed,
 * the slots still as pushed are removed here. A failure ends the round; the next one starts over.
 * Rounds run only while the kept range has stayed the same since the previous repair, so a view
 * in flux never sheds copies. Driver-thread only.
 */
final class StrayCopies {

    private static final System.Logger LOG = System.getLogger(StrayCopies.class.getName());

    private final LocalStorage storage;
    private final Executor driver;
    private final RangeSync.Settings settings;
    private IdInterval lastKept;
    private long dropped;

    StrayCopies(LocalStorage storage, Executor driver, RangeSync.Settings settings) {
        this.storage = storage;
        this.driver = driver;
        this.settings = settings;
    }

    /** Stray slots dropped so far. */
    long dropped() {
        return dropped;
    }

    /**
     * Called at each repair: true when a round is due, that is when the kept range is the same as
     * at the previous call and is not the whole ring.
     */
    boolean due(ChordPeer peer) {
        IdInterval kept = peer.keptRange();
        boolean stable = kept.equals(lastKept);
        lastKept = kept;
        return stable && !kept.isWholeRing();
    }

    /** Runs one round over everything outside the kept range, then done. */
    void handOver(ChordPeer peer, Consumer<Runnable> paced, Runnable done) {
        IdInterval outside = IdInterval.openClosed(lastKept.end(), lastKept.start());
        new Round(peer, outside, paced, done).next(null);
    }

    private final class Round {
        final ChordPeer peer;
        final IdInterval outside;
        final Consumer<Runnable> paced;
        final Runnable done;
        long roundDropped;

        Round(ChordPeer peer, IdInterval outside, Consumer<Runnable> paced, Runnable done) {
            this.peer = peer;
            this.outside = outside;
            this.paced = paced;
            this.done = done;
        }

        void next(SlotKey cursor) {
            storage.scan(outside, cursor, settings.batchSlots(), settings.batchBytes())
                .whenComplete((slots, err) -> driver.execute(() -> {
                    if (err != null || slots.isEmpty()) {
                        finish();
                    } else {
                        handOver(slots);
                    }
                }));
        }

        private void handOver(List<Slot> slots) {
            SlotKey last = slots.get(slots.size() - 1).key();
            Map<NodeId, List<Slot>> byOwner = new LinkedHashMap<>();
            for (Slot s : slots) {
                List<NodeId> owner = peer.replicaSet(s.key().resource(), 1);
                // the view changed under the round and made this peer the owner: not stray, keep it
                if (!owner.isEmpty() && !owner.get(0).equals(peer.nodeId())) {
                    byOwner.computeIfAbsent(owner.get(0), o -> new ArrayList<>()).add(s);
                }
            }
            if (byOwner.isEmpty()) {
                paced.accept(() -> next(last));
                return;
            }
            int[] left = {byOwner.size()};
            boolean[] failed = {false};
            List<Slot> confirmed = new ArrayList<>();
            byOwner.forEach((owner, group) -> peer.request(List.of(new Destination.Node(owner)),
                new SyncReq(new PushOp(group)), "stray copies to " + owner.shortHex(), (ans, e) -> {
                    if (e != null || !(ans.body() instanceof SyncAns)) {
                        failed[0] = true;
                    } else {
                        confirmed.addAll(group);
                    }
                    if (--left[0] == 0) {
                        drop(confirmed, failed[0] ? null : last);
                    }
                }));
        }

        /** Drops what the owners confirmed; goes on after the cursor, or ends the round when it is null. */
        private void drop(List<Slot> confirmed, SlotKey continueAfter) {
            if (confirmed.isEmpty()) {
                finish();
                return;
            }
            storage.forget(confirmed).whenComplete((n, err) -> driver.execute(() -> {
                if (err == null) {
                    roundDropped += n;
                    dropped += n;
                }
                if (err != null || continueAfter == null) {
                    finish();
                } else {
                    paced.accept(() -> next(continueAfter));
                }
            }));
        }

        private void finish() {
            if (roundDropped > 0) {
                LOG.log(Level.INFO, "handed {0} stray slots outside {1} to their owners and dropped them",
                    roundDropped, IdInterval.openClosed(outside.end(), outside.start()));
            }
            done.run();
        }
    }
}
