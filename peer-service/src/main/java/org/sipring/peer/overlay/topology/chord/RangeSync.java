package org.sipring.peer.overlay.topology.chord;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.LocalStorage.RangeDigest;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.DigestOp;
import org.sipring.peer.overlay.message.MessageBody.DigestResult;
import org.sipring.peer.overlay.message.MessageBody.PullOp;
import org.sipring.peer.overlay.message.MessageBody.PullResult;
import org.sipring.peer.overlay.message.MessageBody.PushOp;
import org.sipring.peer.overlay.message.MessageBody.SyncAns;
import org.sipring.peer.overlay.message.MessageBody.SyncReq;

/**
 * Moves key ranges between neighbors as membership changes, over the exp_a sync messages:
 * <ul>
 *   <li>join: the joiner pulls every slot it will hold from its admitting peer, batch by batch,
 *       resuming from its cursor after a failure, before it sends the JoinReq; meanwhile the
 *       admitting peer mirrors new writes in that range to it;</li>
 *   <li>leave (drain): the leaving peer pushes what it holds to the successors that hold it once
 *       it is gone, then sends its Leaves;</li>
 *   <li>failure: a peer whose range grew merges what its successors hold of the gained part
 *       before it serves it (answering Error_In_Progress meanwhile);</li>
 *   <li>anti-entropy: every repair interval a peer compares digests of its range with each of its
 *       replicas and pulls and pushes the arcs that differ, which also recreates missing copies
 *       (the first repair after a change waits the grace period);</li>
 *   <li>hand-over: a peer whose range shrank (peers back after a healed partition) compares
 *       digests of the lost arc with its owners now and pushes the arcs that differ;</li>
 *   <li>stray copies: slots outside the range a peer keeps go to their owners and are dropped
 *       ({@link StrayCopies}).</li>
 * </ul>
 * Driver-thread only; one batch in flight per transfer is the flow control, and transfers wait a
 * pause between batches so foreground requests keep their latency.
 */
public final class RangeSync {

    private static final System.Logger LOG = System.getLogger(RangeSync.class.getName());

    /** Tunables of range transfers and repair. */
    public record Settings(int batchSlots, int batchBytes, int digestBuckets, long repairIntervalMillis, long graceMillis,
                    long settleMillis, long mirrorMillis, long batchPauseMillis, int maxFailures) {
        public static Settings defaults() {
            return new Settings(500, 512 * 1024, 64, 30_000, 30_000, 5_000, 30_000, 0, 8);
        }
    }

    /** Progress of a drain's hand-over. */
    public record Progress(long slotsMoved, long bytesMoved, long slotsTotal, boolean done) {
    }

    private record Timer(long at, long seq, Runnable task) {
    }

    private record Mirror(IdInterval range, PeerAddress address, long until) {
    }

    /** A joiner that asked for writes in its range to be copied to it. */
    record MirrorTarget(NodeId id, PeerAddress address) {
    }

    /** Part of an arc this peer no longer owns, with the peer that owns it now. */
    private record Part(NodeId owner, IdInterval arc) {
    }

    private final LocalStorage storage;
    private final Executor driver;
    private final Settings settings;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.at != b.at
        ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Map<NodeId, Mirror> mirrors = new HashMap<>();
    private final StrayCopies strays;
    private long timerSeq;
    private long now;
    private long nextRepair = Long.MAX_VALUE;
    private boolean repairing;
    private IdInterval takingOver;
    /** Arcs this peer owned and no longer does, to hand to their owners at the next repair. */
    private final List<IdInterval> lost = new ArrayList<>();
    /** The Node-ID this peer last served a range under (a move or a fresh join starts over). */
    private NodeId servedAs;
    /** The admitting peer of the join in progress, to catch up with once admitted. */
    private NodeId admittedBy;
    /** The range this peer refuses writes in until it has caught up with its admitting peer. */
    private IdInterval catchingUp;
    private long slotsMoved;
    private long bytesMoved;
    private long slotsTotal;
    private boolean handOffDone;

    RangeSync(LocalStorage storage, Executor driver, Settings settings) {
        this.storage = storage;
        this.driver = driver;
        this.settings = settings;
        this.strays = new StrayCopies(storage, driver, settings);
    }

    Progress progress() {
        return new Progress(slotsMoved, bytesMoved, slotsTotal, handOffDone);
    }

    /**
     * True while k lies in a range this peer is still merging from its successors, or catching up
     * on from its admitting peer.
     */
    boolean takingOver(RingId k) {
        return takingOver != null && takingOver.contains(k) || catchingUp != null && catchingUp.contains(k);
    }

    /** Peers that asked for writes in a range to be mirrored to them, for a key. */
    List<MirrorTarget> mirrorsFor(RingId k) {
        List<MirrorTarget> out = new ArrayList<>();
        for (Iterator<Map.Entry<NodeId, Mirror>> it = mirrors.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<NodeId, Mirror> e = it.next();
            if (e.getValue().until() <= now) {
                it.remove();
            } else if (e.getValue().range().contains(k)) {
                out.add(new MirrorTarget(e.getKey(), e.getValue().address()));
            }
        }
        return out;
    }

    void addMirror(NodeId peer, PeerAddress address, IdInterval range, long millis) {
        mirrors.put(peer, new Mirror(range, address, now + millis));
    }

    void stopMirroring(NodeId peer) {
        mirrors.remove(peer);
    }

    // ---------------------------------------------------------------- time

    void tick(ChordPeer peer, long t) {
        now = t;
        while (!timers.isEmpty() && timers.peek().at() <= t) {
            timers.poll().task().run();
        }
        if (nextRepair == Long.MAX_VALUE) {
            nextRepair = t + settings.graceMillis();
        }
        if (t >= nextRepair && !repairing && peer.state() == org.sipring.peer.overlay.PeerState.ACTIVE) {
            nextRepair = t + settings.repairIntervalMillis();
            repair(peer);
        }
    }

    private void later(long delay, Runnable task) {
        timers.add(new Timer(now + delay, timerSeq++, task));
    }

    // ---------------------------------------------------------------- join

    /** Pulls the held range from the admitting peer (mirroring on), then runs proceed. */
    void pullBeforeJoin(ChordPeer peer, NodeId from, PeerAddress address, IdInterval range, Runnable proceed) {
        admittedBy = from;
        LOG.log(Level.INFO, "pulling {0} from {1} before joining", range, from.shortHex());
        Transfer[] t = new Transfer[1];
        t[0] = new Transfer(peer, from, address, range, settings.mirrorMillis(), () -> {
            LOG.log(Level.INFO, "pulled {0} slots from {1}{2}", t[0].pulled, from.shortHex(),
                t[0].failed ? " (incomplete: the repair brings the rest)" : "");
            proceed.run();
        });
        t[0].pullNext();
    }

    /**
     * Once admitted: the admitting peer served writes in this peer's range up to the moment it
     * took the JoinReq, and those still replicating reach this peer only by mirror, later. Until
     * this peer has them, a write here would run on an older slot than the one the admitting peer
     * acknowledges (two owners applying updates to one slot). So writes in the new range wait
     * (Error_In_Progress) while a digest comparison with the admitting peer pulls the arcs that
     * differ; what the admitting peer committed before the JoinReq is in its storage by then.
     */
    private void catchUp(ChordPeer peer, NodeId from) {
        IdInterval range = peer.responsibleRange();
        catchingUp = range;
        repairWith(peer, from, range, Long.MAX_VALUE, true, false, ok -> {
            if (range.equals(catchingUp)) {
                catchingUp = null;
            }
        });
    }

    // ---------------------------------------------------------------- leave

    /**
     * Pushes what this peer holds to the successors that hold it once it is gone: with
     * predecessors p1, p2, p3 and successors s1, s2, s3, s1 gets (p3, self], s2 (p2, self] and
     * s3 (p1, self] (§10.4 replica sets of the ring without this peer).
     */
    void handOff(ChordPeer peer, Runnable done) {
        List<NodeId> succ = peer.successors();
        List<NodeId> pred = peer.predecessors();
        List<Runnable> steps = new ArrayList<>();
        Runnable[] chain = new Runnable[1];
        int targets = Math.min(1 + Replicator.REPLICAS, succ.size());
        for (int i = 0; i < targets; i++) {
            NodeId to = succ.get(i);
            int back = Replicator.REPLICAS - i;
            IdInterval range = back < pred.size() && pred.size() > Replicator.REPLICAS
                ? IdInterval.openClosed(pred.get(back), peer.nodeId())
                : IdInterval.openClosed(peer.nodeId(), peer.nodeId());
            steps.add(() -> new Transfer(peer, to, null, range, 0, chain[0]).countingHandOff().pushNext());
        }
        Iterator<Runnable> it = steps.iterator();
        chain[0] = () -> {
            if (it.hasNext()) {
                it.next().run();
            } else {
                handOffDone = true;
                done.run();
            }
        };
        storage.digest(peer.heldRange(), 1, Long.MAX_VALUE).whenComplete((d, err) -> driver.execute(() -> {
            slotsTotal = err == null ? d.counts().get(0) : 0;
            chain[0].run();
        }));
    }

    // ---------------------------------------------------------------- failure and repair

    /**
     * The responsible range changed. When it grew (a predecessor left or failed), merge the
     * gained part first. When it shrank under a Node-ID this peer already served, remember the
     * lost arc: its new owners normally pulled it before joining, but peers that reappear after
     * a healed partition did not, and what this peer stored as owner meanwhile is nowhere else
     * they look; the next repair hands it over.
     */
    void rangeChanged(ChordPeer peer, IdInterval before) {
        IdInterval after = peer.responsibleRange();
        nextRepair = Math.min(nextRepair, now + settings.graceMillis());
        boolean continuing = peer.nodeId().equals(servedAs);
        servedAs = peer.nodeId();
        if (!continuing && admittedBy != null) {
            NodeId from = admittedBy;
            admittedBy = null;
            catchUp(peer, from);
        }
        if (continuing && !after.isWholeRing() && !after.start().samePoint(before.start())
            && before.contains(after.start())) {
            lost.add(IdInterval.openClosed(before.start(), after.start()));
            return;
        }
        if (before.isWholeRing() || after.start().samePoint(before.start()) || !after.contains(before.start())) {
            return;
        }
        IdInterval gained = IdInterval.openClosed(after.start(), before.start());
        if (peer.leftGracefully(NodeId.at(before.start()))) {
            // a drained predecessor handed its range over before it left: nothing to merge first
            // (the repair after the grace period still compares with the replicas)
            return;
        }
        takingOver = takingOver == null ? gained : IdInterval.openClosed(after.start(), takingOver.end());
        List<NodeId> succ = peer.successors();
        int[] left = {Math.min(Replicator.REPLICAS, succ.size())};
        IdInterval merging = takingOver;
        Runnable oneDone = () -> {
            if (--left[0] <= 0 && merging.equals(takingOver)) {
                takingOver = null;
            }
        };
        if (left[0] == 0) {
            takingOver = null;
            return;
        }
        LOG.log(Level.INFO, "taking over {0}: merging what the replicas hold", gained);
        for (int i = 0; i < left[0]; i++) {
            new Transfer(peer, succ.get(i), null, gained, 0, oneDone).pullNext();
        }
    }

    /**
     * Anti-entropy of this peer's range with each replica: digests, then the arcs that differ;
     * and the hand-over of arcs it lost to their owners now: digests, then a push of the arcs
     * that differ (kept for the next round if the owner could not be reached).
     */
    private void repair(ChordPeer peer) {
        IdInterval range = peer.responsibleRange();
        List<NodeId> succ = peer.successors();
        int n = Math.min(Replicator.REPLICAS, succ.size());
        List<Part> parts = new ArrayList<>();
        for (IdInterval arc : lost) {
            split(peer, arc, parts);
        }
        lost.clear();
        boolean strayRound = strays.due(peer);
        if (n == 0 && parts.isEmpty() && !strayRound) {
            return;
        }
        repairing = true;
        long settled = now - settings.settleMillis();
        int[] left = {n + parts.size() + (strayRound ? 1 : 0)};
        Runnable oneDone = () -> {
            if (--left[0] == 0) {
                repairing = false;
            }
        };
        for (int i = 0; i < n; i++) {
            repairWith(peer, succ.get(i), range, settled, true, true, ok -> oneDone.run());
        }
        for (Part part : parts) {
            // every slot counts, however recent: a write stored just before the range shrank is
            // invisible to a settled digest on both sides, and would stay behind
            repairWith(peer, part.owner(), part.arc(), Long.MAX_VALUE, false, true, ok -> {
                if (!ok) {
                    lost.add(part.arc());
                }
                oneDone.run();
            });
        }
        if (strayRound) {
            strays.handOver(peer, this::paced, oneDone);
        }
    }

    /** Runs the next step of a transfer now, or after the pause that keeps transfers at the migration rate. */
    private void paced(Runnable next) {
        if (settings.batchPauseMillis() > 0) {
            later(settings.batchPauseMillis(), next);
        } else {
            next.run();
        }
    }

    /** Cuts an arc into the parts each live peer owns by this peer's view, skipping what is this peer's. */
    private static void split(ChordPeer peer, IdInterval arc, List<Part> out) {
        RingId cur = arc.start();
        while (true) {
            List<NodeId> owners = peer.replicaSet(NodeId.at(cur).plusOne(), 1);
            if (owners.isEmpty() || owners.get(0).equals(peer.nodeId())) {
                return;
            }
            NodeId owner = owners.get(0);
            boolean last = owner.samePoint(arc.end()) || !IdInterval.openClosed(cur, arc.end()).contains(owner);
            out.add(new Part(owner, IdInterval.openClosed(cur, last ? arc.end() : owner)));
            if (last) {
                return;
            }
            cur = owner;
        }
    }

    /**
     * Compares digests of a range with another peer, then syncs the arcs that differ: pulls
     * them, pushes them, or both. Reports whether the digests could be compared.
     */
    private void repairWith(ChordPeer peer, NodeId to, IdInterval range, long settled, boolean pull, boolean push,
                            Consumer<Boolean> done) {
        int buckets = settings.digestBuckets();
        CompletableFuture<RangeDigest> local = storage.digest(range, buckets, settled);
        peer.request(List.of(new Destination.Node(to)), new SyncReq(new DigestOp(range, buckets, settled)),
            "digest to " + to.shortHex(), (ans, err) -> {
                if (err != null || !(ans.body() instanceof SyncAns sa && sa.result() instanceof DigestResult remote)) {
                    done.accept(false);
                    return;
                }
                local.whenComplete((mine, lerr) -> driver.execute(() -> {
                    if (lerr != null) {
                        done.accept(false);
                        return;
                    }
                    List<IdInterval> differing = new ArrayList<>();
                    for (int b = 0; b < buckets && b < remote.hashes().size(); b++) {
                        if (!mine.hashes().get(b).equals(remote.hashes().get(b))
                            || !mine.counts().get(b).equals(remote.counts().get(b))) {
                            differing.add(range.part(b, buckets));
                        }
                    }
                    if (!differing.isEmpty()) {
                        LOG.log(Level.DEBUG, "repair with {0}: {1} of {2} arcs differ", to.shortHex(),
                            differing.size(), buckets);
                    }
                    syncArcs(peer, to, differing.iterator(), pull, push, () -> done.accept(true));
                }));
            });
    }

    /** Pulls then pushes each arc in turn, either step as asked. */
    private void syncArcs(ChordPeer peer, NodeId to, Iterator<IdInterval> arcs, boolean pull, boolean push,
                          Runnable done) {
        if (!arcs.hasNext()) {
            done.run();
            return;
        }
        IdInterval arc = arcs.next();
        Runnable next = () -> syncArcs(peer, to, arcs, pull, push, done);
        Runnable pushStep = push ? () -> new Transfer(peer, to, null, arc, 0, next).pushNext() : next;
        if (pull) {
            new Transfer(peer, to, null, arc, 0, pushStep).pullNext();
        } else {
            pushStep.run();
        }
    }

    /** The other peer is not there (any more): retrying the same transfer cannot help. */
    private static boolean isGone(OverlayException err) {
        return err instanceof OverlayException.NotJoined
            || err instanceof OverlayException.RemoteError re && re.errorCode() == 0x03;
    }

    // ---------------------------------------------------------------- one transfer

    /**
     * One range moving between this peer and another, batch by batch: a pull merges the other's
     * slots here, a push sends this peer's slots there. The cursor is the last slot key done, so a
     * failed batch is retried from it, with back-off, up to maxFailures times.
     */
    private final class Transfer {
        final ChordPeer peer;
        final NodeId other;
        final PeerAddress address;
        final IdInterval range;
        final long mirrorMillis;
        final Runnable done;
        SlotKey cursor;
        int failures;
        /** True once the transfer gave up. */
        boolean failed;
        long pulled;
        /** Only a drain's own pushes count in its progress, not those of a repair that overlaps it. */
        boolean handOff;

        Transfer(ChordPeer peer, NodeId other, PeerAddress address, IdInterval range, long mirrorMillis,
                 Runnable done) {
            this.peer = peer;
            this.other = other;
            this.address = address;
            this.range = range;
            this.mirrorMillis = mirrorMillis;
            this.done = done;
        }

        Transfer countingHandOff() {
            handOff = true;
            return this;
        }

        void pullNext() {
            PullOp op = new PullOp(range, cursor, settings.batchSlots(), settings.batchBytes(), mirrorMillis);
            send(new SyncReq(op), "pull " + range + " from " + other.shortHex(), (ans, err) -> {
                if (err != null || !(ans.body() instanceof SyncAns sa && sa.result() instanceof PullResult r)) {
                    retry(err, this::pullNext);
                    return;
                }
                storage.merge(r.slots()).whenComplete((n, merr) -> driver.execute(() -> {
                    if (merr != null) {
                        retry(null, this::pullNext);
                        return;
                    }
                    failures = 0;
                    pulled += r.slots().size();
                    if (!r.slots().isEmpty()) {
                        cursor = r.slots().get(r.slots().size() - 1).key();
                    }
                    if (r.complete() || r.slots().isEmpty()) {
                        done.run();
                    } else {
                        paced(this::pullNext);
                    }
                }));
            });
        }

        void pushNext() {
            storage.scan(range, cursor, settings.batchSlots(), settings.batchBytes())
                .whenComplete((slots, serr) -> driver.execute(() -> {
                    if (serr != null) {
                        retry(null, this::pushNext);
                        return;
                    }
                    if (slots.isEmpty()) {
                        done.run();
                        return;
                    }
                    send(new SyncReq(new PushOp(slots)), "push " + slots.size() + " slots to " + other.shortHex(),
                        (ans, err) -> {
                            if (err != null) {
                                retry(err, this::pushNext);
                                return;
                            }
                            failures = 0;
                            cursor = slots.get(slots.size() - 1).key();
                            if (handOff) {
                                slotsMoved += slots.size();
                                for (Slot s : slots) {
                                    bytesMoved += s.size();
                                }
                            }
                            paced(this::pushNext);
                        });
                }));
        }

        private void send(MessageBody body, String what, java.util.function.BiConsumer<Message, OverlayException> cb) {
            if (address != null) {
                peer.requestDirect(other, address, body, what, cb);
            } else {
                peer.request(List.of(new Destination.Node(other)), body, what, cb);
            }
        }

        private void retry(OverlayException err, Runnable again) {
            if (err != null && (isGone(err) || !peer.knowsAlive(other))) {
                // the other peer left or failed meanwhile: there is nothing more to move with it,
                // and waiting out the retries would hold up this peer's repairs
                LOG.log(Level.DEBUG, "stopped moving {0} with {1}: it is gone", range, other.shortHex());
                failed = true;
                done.run();
                return;
            }
            if (++failures > settings.maxFailures()) {
                failed = true;
                LOG.log(Level.WARNING, "giving up moving {0} with {1}: {2}", range, other.shortHex(),
                    Optional.ofNullable(err).map(Throwable::getMessage).orElse("storage failure"));
                done.run();
                return;
            }
            later(Math.min(5_000, 100L << failures), again);
        }
    }
}
