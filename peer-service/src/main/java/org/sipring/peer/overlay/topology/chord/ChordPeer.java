package org.sipring.peer.overlay.topology.chord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.link.Link;
import org.sipring.peer.overlay.link.LinkTarget;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.ForwardingHeader;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.Attach;
import org.sipring.peer.overlay.message.MessageBody.ChordLeaveData;
import org.sipring.peer.overlay.message.MessageBody.IceCandidate;
import org.sipring.peer.overlay.message.MessageBody.JoinAns;
import org.sipring.peer.overlay.message.MessageBody.JoinReq;
import org.sipring.peer.overlay.message.MessageBody.LeaveAns;
import org.sipring.peer.overlay.message.MessageBody.LeaveReq;
import org.sipring.peer.overlay.message.MessageBody.PingAns;
import org.sipring.peer.overlay.message.MessageBody.PingReq;
import org.sipring.peer.overlay.message.MessageBody.ProbeAns;
import org.sipring.peer.overlay.message.MessageBody.ProbeInfo;
import org.sipring.peer.overlay.message.MessageBody.ProbeInfoType;
import org.sipring.peer.overlay.message.MessageBody.ProbeReq;
import org.sipring.peer.overlay.message.MessageBody.RouteQueryAns;
import org.sipring.peer.overlay.message.MessageBody.RouteQueryReq;
import org.sipring.peer.overlay.message.MessageBody.UpdateAns;
import org.sipring.peer.overlay.message.MessageBody.UpdateReq;
import org.sipring.peer.overlay.message.MessageBody.UpdateType;
import org.sipring.peer.overlay.message.MessageExtension;
import org.sipring.peer.overlay.message.MessageExtension.PeerDirectory;
import org.sipring.peer.overlay.message.MessageExtension.PeerRecord;
import org.sipring.peer.overlay.message.MessageExtension.PeerStatus;

/**
 * One chord-reload peer as a single-threaded state machine (RFC 6940 §10). It is fed link events,
 * API calls and {@link #tick()}s by exactly one thread, reads time only from the injected clock
 * and randomness only from the injected generator, and talks to the network only through
 * {@link Link#send}. That makes it runnable, unchanged, inside the deterministic simulator.
 *
 * <p>Routing is symmetric recursive (§6.2): a forwarded request gets the previous hop appended to
 * its Via list, as a Node-ID when the previous hop is known, otherwise as an opaque entry naming
 * the connection it came on (list compression, §6.1.3). Responses retrace the Via list.
 *
 * <p>Beyond the RFC, a peer keeps a membership view of every peer (peer-directory extension,
 * docs/protocol.md) and sends a message for a Resource-ID straight to the peer the view says is
 * responsible: one hop in steady state. The finger table stays the fallback.
 */
public final class ChordPeer {

    /** A request this peer originated and awaits an answer for (§6.2.1 end-to-end reliability). */
    private static final class Pending {
        final long txId;
        Message message;
        int transmissions;
        long deadline;
        final BiConsumer<Message, OverlayException> callback;
        final String what;
        boolean done;

        Pending(long txId, Message message, BiConsumer<Message, OverlayException> callback, String what) {
            this.txId = txId;
            this.message = message;
            this.callback = callback;
            this.what = what;
        }
    }

    /** How an answer to a request travels back: the connection it came on and its Via list. */
    record ReturnPath(long connection, List<Destination> destinations) {
    }

    private record Rumor(PeerRecord record, int[] remaining) {
    }

    private static final int MAX_RUMORS_PER_MESSAGE = 12;
    private static final int FULL_SYNC_EVERY = 30;
    /** Every this many gossip rounds, one goes to a peer believed failed, in case it is not. */
    private static final int PROBE_FAILED_EVERY = 5;
    private static final int MAX_JOIN_ATTEMPTS = 8;
    /** Refusals by admitting peers whose range another joiner took first (each teaches the joiner more). */
    private static final int MAX_JOIN_REFUSALS = 64;
    /** The return path's connection for a request this peer delivered to itself. */
    private static final long LOOPBACK = -1;
    /** JoinReq overlay_specific_data flag: the joiner chose its id to split the admitting peer's range. */
    static final int JOIN_FLAG_BALANCED = 1;

    private final ChordConfig config;
    private final Link link;
    private final Clock clock;
    private final RandomGenerator random;
    private final RequestHandler storageHandler;
    private final int overlayHash;
    private final long startedAt;

    private NodeId self;
    private final long opaqueTag;
    private long incarnation;
    private PeerState state = PeerState.JOINING;
    private NeighborTable neighbors;
    private FingerTable fingers;
    private final MembershipView view = new MembershipView();
    private final Map<PeerAddress, NodeId> idByAddress = new HashMap<>();

    private final Map<Long, Pending> pending = new HashMap<>();
    private final PriorityQueue<Pending> timers = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    private final ReplayCache replay;
    private final Map<NodeId, Long> suspectUntil = new HashMap<>();
    private final Deque<Rumor> rumors = new ArrayDeque<>();

    private long nextStabilize;
    private long nextFingerRefresh;
    private long nextGossip;
    private long nextPurge;
    private int fingerCursor;
    private int gossipRound;

    private List<PeerAddress> bootstraps = List.of();
    private int joinAttempts;
    private int joinRefusals;
    /** Whether a join picks a balanced Node-ID (no fixed id, or a move to rebalance the ring). */
    private boolean chooseBalanced;
    private long rejoinAt;
    private long nextBalanceCheck;
    private int balanceStrikes;
    private CompletableFuture<Void> joinFuture;
    private CompletableFuture<Void> leaveFuture;
    private final ChordStats stats = new ChordStats();

    /**
     * Handles requests this peer is the destination of and that the topology does not own
     * (Store, Fetch, ...). Returns false for a code it does not handle.
     */
    public interface RequestHandler {
        boolean handle(Message request, ReturnPath path, ChordPeer peer);

        /** Runs on every tick while this peer is a member. */
        default void tick(ChordPeer peer, long now) {
        }

        /**
         * Called before the JoinReq goes to the admitting peer, with the range of keys this peer
         * will hold (its own range and those it replicates); calls proceed when ready.
         */
        default void beforeJoin(ChordPeer peer, NodeId admitting, PeerAddress admittingAddress, IdInterval held,
                                Runnable proceed) {
            proceed.run();
        }

        /** Called when a leave starts, while still serving (DRAINING); calls proceed to send the Leaves. */
        default void beforeLeave(ChordPeer peer, Runnable proceed) {
            proceed.run();
        }

        /** The neighbor table changed; old is the responsible range before the change. */
        default void neighborsChanged(ChordPeer peer, IdInterval oldRange) {
        }
    }

    public ChordPeer(ChordConfig config, Link link, Clock clock, RandomGenerator random, RequestHandler storageHandler) {
        this.config = config;
        this.link = link;
        this.clock = clock;
        this.random = random;
        this.storageHandler = storageHandler;
        this.overlayHash = ForwardingHeader.overlayId(config.overlayName());
        this.startedAt = clock.millis();
        this.replay = new ReplayCache(config.requestLifetime().toMillis(), 200_000);
        this.opaqueTag = random.nextLong();
        this.chooseBalanced = config.nodeId().isEmpty();
        setSelf(config.nodeId().orElseGet(() -> NodeId.random(random)));
    }

    // ---------------------------------------------------------------- identity and queries

    private void setSelf(NodeId id) {
        if (self != null) {
            view.merge(new PeerRecord(self, config.self(), incarnation, PeerStatus.LEFT), now());
        }
        self = id;
        incarnation = Math.max(incarnation + 1, clock.millis());
        neighbors = new NeighborTable(id, config.neighbors());
        fingers = new FingerTable(id, config.fingers(), random);
        mergeRecord(selfRecord());
    }

    public NodeId nodeId() {
        return self;
    }

    public PeerState state() {
        return state;
    }

    public ChordStats stats() {
        return stats;
    }

    public PeerAddress address() {
        return config.self();
    }

    public IdInterval responsibleRange() {
        return neighbors.responsibleRange();
    }

    public List<NodeId> successors() {
        return neighbors.successors();
    }

    public List<NodeId> predecessors() {
        return neighbors.predecessors();
    }

    /**
     * The peers that should hold k by this peer's view: the responsible peer, then its successors
     * (§10.4), at most n of them.
     */
    public List<NodeId> replicaSet(RingId k, int n) {
        java.util.NavigableSet<NodeId> alive = view.aliveIds();
        List<NodeId> out = new ArrayList<>(n);
        if (alive.isEmpty()) {
            return out;
        }
        NodeId at = alive.ceiling(NodeId.at(k));
        NodeId cur = at != null ? at : alive.first();
        while (out.size() < Math.min(n, alive.size())) {
            out.add(cur);
            NodeId next = alive.higher(cur);
            cur = next != null ? next : alive.first();
        }
        return out;
    }

    /** True if this peer's membership view holds the peer as having left with a Leave (§10.9), not failed. */
    boolean leftGracefully(NodeId id) {
        return view.get(id).map(r -> r.status() == PeerStatus.LEFT).orElse(false);
    }

    /** True if this peer's membership view holds the peer as alive. */
    boolean knowsAlive(NodeId id) {
        return view.isAlive(id);
    }

    /** True if this peer serves k now: it is a member and k is in (predecessor, self]. */
    public boolean isResponsibleFor(RingId k) {
        return (state == PeerState.ACTIVE || state == PeerState.DRAINING) && neighbors.isResponsibleFor(k);
    }

    public PeerSnapshot snapshot() {
        List<PeerInfo> known = new ArrayList<>();
        for (PeerRecord r : view.aliveRecords()) {
            known.add(new PeerInfo(r.id(), r.address()));
        }
        return new PeerSnapshot(info(self), state, infos(neighbors.predecessors()), infos(neighbors.successors()),
            infos(fingers.distinctPeers()), known, (now() - startedAt) / 1000);
    }

    private List<PeerInfo> infos(Collection<NodeId> ids) {
        List<PeerInfo> out = new ArrayList<>(ids.size());
        for (NodeId id : ids) {
            out.add(info(id));
        }
        return out;
    }

    private PeerInfo info(NodeId id) {
        return new PeerInfo(id, view.address(id).orElse(id.equals(self) ? config.self() : null));
    }

    private PeerRecord selfRecord() {
        PeerStatus st = state == PeerState.LEFT ? PeerStatus.LEFT : PeerStatus.ALIVE;
        return new PeerRecord(self, config.self(), incarnation, st);
    }

    private long now() {
        return clock.millis();
    }

    // ---------------------------------------------------------------- API: join and leave

    /** Starts joining (§10.5) through the bootstrap peers; an empty list founds a new overlay. */
    public void join(List<PeerAddress> bootstrapPeers, CompletableFuture<Void> done) {
        if (state == PeerState.ACTIVE) {
            done.complete(null);
            return;
        }
        bootstraps = List.copyOf(bootstrapPeers);
        joinFuture = done;
        joinAttempts = 0;
        joinRefusals = 0;
        state = PeerState.JOINING;
        if (bootstraps.isEmpty()) {
            becomeActive();
            return;
        }
        attachToAdmittingPeer();
    }

    private void attachToAdmittingPeer() {
        if (joinAttempts >= MAX_JOIN_ATTEMPTS * Math.max(1, bootstraps.size())) {
            failJoin("no bootstrap peer admitted this peer after " + joinAttempts + " attempts");
            return;
        }
        PeerAddress bootstrap = bootstraps.get(joinAttempts % bootstraps.size());
        joinAttempts++;
        Attach req = new Attach(false, new byte[0], new byte[0], "active".getBytes(StandardCharsets.US_ASCII),
            List.of(selfCandidate()), true);
        Message m = newRequest(List.of(new Destination.Resource(ResourceId.at(self.plusOne()))), req,
            List.of(new PeerDirectory(List.of(selfRecord()))));
        originate(m, new LinkTarget.ToAddress(bootstrap), "attach via " + bootstrap, (ans, err) -> {
            if (state != PeerState.JOINING) {
                return;
            }
            if (err != null) {
                attachToAdmittingPeer();
                return;
            }
            mergeDirectory(ans);
            chooseIdAndJoin();
        });
    }

    private IceCandidate selfCandidate() {
        return new IceCandidate(config.self(), 4, "1".getBytes(StandardCharsets.US_ASCII), 1L);
    }

    /** With the view learned from the admitting peer, settles the Node-ID and sends the JoinReq. */
    private void chooseIdAndJoin() {
        if (chooseBalanced) {
            NodeId balanced = BalancedIdChooser.choose(view.aliveIds(), self, random);
            if (!balanced.equals(self)) {
                setSelf(balanced);
            }
        }
        Optional<NodeId> ap = admittingPeer();
        if (ap.isEmpty()) {
            attachToAdmittingPeer();
            return;
        }
        NodeId admitting = ap.get();
        NodeId joiningAs = self;
        Optional<PeerAddress> admittingAddress = view.address(admitting);
        if (storageHandler == null || admittingAddress.isEmpty()) {
            sendJoin(admitting);
            return;
        }
        storageHandler.beforeJoin(this, admitting, admittingAddress.get(), heldRange(), () -> {
            if (state == PeerState.JOINING && self.equals(joiningAs)) {
                sendJoin(admitting);
            }
        });
    }

    /**
     * The keys this peer holds once it has joined: its own range and the two it replicates, (third
     * predecessor, self] by its view (§10.4); the whole ring in a ring of three peers or fewer.
     */
    public IdInterval heldRange() {
        return rangesUpTo(1 + Replicator.REPLICAS);
    }

    /**
     * What this peer keeps: the range it holds and one more predecessor's range of slack, (fourth
     * predecessor, self], so a view that is briefly wrong never drops a copy it should hold.
     * Slots outside it are stray copies (left behind by joins, partitions and restarts).
     */
    IdInterval keptRange() {
        return rangesUpTo(2 + Replicator.REPLICAS);
    }

    /** (n-th predecessor, self] by this peer's view; the whole ring when it knows n peers or fewer. */
    private IdInterval rangesUpTo(int n) {
        java.util.NavigableSet<NodeId> alive = view.aliveIds();
        NodeId cur = self;
        int others = alive.contains(self) ? alive.size() - 1 : alive.size();
        if (others < n) {
            return IdInterval.openClosed(self, self);
        }
        for (int i = 0; i < n; i++) {
            NodeId lower = alive.lower(cur);
            cur = lower != null ? lower : alive.last();
        }
        return IdInterval.openClosed(cur, self);
    }

    private void sendJoin(NodeId admitting) {
        byte[] joinData = {(byte) (chooseBalanced ? JOIN_FLAG_BALANCED : 0)};
        Message m = newRequest(List.of(new Destination.Node(admitting)), new JoinReq(self, joinData),
            List.of(new PeerDirectory(List.of(selfRecord()))));
        originate(m, targetFor(admitting), "join at " + admitting.shortHex(), (ans, err) -> {
            if (state != PeerState.JOINING) {
                return;
            }
            if (err instanceof OverlayException.RemoteError && ans != null && joinRefusals++ < MAX_JOIN_REFUSALS) {
                // refused: the answer names the admitting peer's current neighbors; choose again
                mergeDirectory(ans);
                chooseIdAndJoin();
                return;
            }
            if (err != null) {
                if (err instanceof OverlayException.Timeout) {
                    suspect(admitting);
                }
                attachToAdmittingPeer();
                return;
            }
            mergeDirectory(ans);
            becomeActive();
        });
    }

    private Optional<NodeId> admittingPeer() {
        List<NodeId> others = new ArrayList<>();
        for (NodeId n : view.aliveIds()) {
            if (!n.equals(self) && !isSuspect(n)) {
                others.add(n);
            }
        }
        if (others.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(nearestAfter(self, others));
    }

    private void becomeActive() {
        state = PeerState.ACTIVE;
        mergeRecord(selfRecord());
        rebuildNeighbors();
        refreshAllFingersFromView();
        long t = now();
        nextStabilize = t + jitter(config.stabilizeInterval().toMillis());
        nextFingerRefresh = t + config.fingerRefreshInterval().toMillis();
        nextGossip = t + jitter(config.gossipInterval().toMillis());
        nextPurge = t + 60_000;
        rumor(selfRecord());
        sendUpdates(UpdateType.NEIGHBORS);
        stats.joins++;
        if (joinFuture != null) {
            joinFuture.complete(null);
            joinFuture = null;
        }
    }

    private void failJoin(String reason) {
        if (joinFuture == null && state == PeerState.JOINING) {
            // a move to rebalance the ring could not rejoin yet: keep trying
            rejoinAt = now() + config.stabilizeInterval().toMillis();
            return;
        }
        if (joinFuture != null) {
            joinFuture.completeExceptionally(new OverlayException.JoinFailed(reason));
            joinFuture = null;
        }
    }

    /**
     * Leaves gracefully (§10.9): tells every neighbor with a LeaveReq carrying ChordLeaveData
     * (successors to predecessors, predecessors to successors), then stops routing.
     */
    public void leave(CompletableFuture<Void> done) {
        if (state == PeerState.LEFT) {
            done.complete(null);
            return;
        }
        if (state == PeerState.DRAINING && leaveFuture != null) {
            leaveFuture.whenComplete((v, e) -> done.complete(null));
            return;
        }
        if (state == PeerState.JOINING) {
            state = PeerState.LEFT;
            failJoin("left before joining");
            done.complete(null);
            return;
        }
        leaveFuture = done;
        state = PeerState.DRAINING;
        mergeRecord(selfRecord());
        if (storageHandler == null) {
            sendLeaves(this::finishLeave);
        } else {
            storageHandler.beforeLeave(this, () -> sendLeaves(this::finishLeave));
        }
    }

    /**
     * Sends a LeaveReq for the current Node-ID to every neighbor (§10.9): successors to the
     * predecessors, predecessors to the successors, with their addresses; runs whenDone once every
     * neighbor has answered or timed out.
     *
     * @return the departure record of the current Node-ID
     */
    private PeerRecord sendLeaves(Runnable whenDone) {
        PeerRecord gone = new PeerRecord(self, config.self(), incarnation, PeerStatus.LEFT);
        Set<NodeId> targets = neighbors.all();
        int[] outstanding = {targets.size()};
        if (targets.isEmpty()) {
            whenDone.run();
            return gone;
        }
        for (NodeId n : targets) {
            boolean toPred = neighbors.predecessors().contains(n);
            ChordLeaveData data = toPred ? new ChordLeaveData(true, neighbors.successors())
                : new ChordLeaveData(false, neighbors.predecessors());
            List<PeerRecord> records = new ArrayList<>();
            records.add(gone);
            for (NodeId x : data.peers()) {
                view.get(x).ifPresent(records::add);
            }
            Message m = newRequest(List.of(new Destination.Node(n)), new LeaveReq(self, data),
                List.of(new PeerDirectory(records)));
            originate(m, targetFor(n), "leave to " + n.shortHex(), (ans, err) -> {
                if (--outstanding[0] == 0) {
                    whenDone.run();
                }
            });
        }
        return gone;
    }

    private void finishLeave() {
        state = PeerState.LEFT;
        mergeRecord(selfRecord());
        if (leaveFuture != null) {
            leaveFuture.complete(null);
            leaveFuture = null;
        }
    }

    // ---------------------------------------------------------------- API: lookups and requests

    /**
     * Finds the peer responsible for k with a ProbeReq routed to Resource-ID k (§6.4.2.5).
     *
     * @return the probe's Transaction-ID, or 0 when answered without a message
     */
    public long lookup(ResourceId k, CompletableFuture<PeerInfo> done) {
        if (!isMember()) {
            done.completeExceptionally(new OverlayException.NotJoined(state.name()));
            return 0;
        }
        if (isResponsibleFor(k)) {
            done.complete(info(self));
            return 0;
        }
        Message m = newRequest(List.of(new Destination.Resource(k)),
            new ProbeReq(List.of(ProbeInfoType.RESPONSIBLE_SET)), List.of());
        originate(m, null, "lookup " + k.shortHex(), (ans, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
                return;
            }
            Optional<PeerRecord> responder = firstRecord(ans);
            if (responder.isEmpty()) {
                done.completeExceptionally(new OverlayException.RemoteError(ErrorCode.INVALID_MESSAGE.value(),
                    "probe answer without the responder's identity"));
                return;
            }
            mergeDirectory(ans);
            done.complete(new PeerInfo(responder.get().id(), responder.get().address()));
        });
        return m.transactionId();
    }

    /**
     * Sends a request towards its destination list and reports the answer (or a typed failure)
     * to the callback, retransmitting end to end as §6.2.1 says. Used by the storage layer. The
     * request carries this peer's record, so that a receiver can tell who sent it even when it
     * came straight on this peer's connection (see {@link StorageHandler}).
     */
    public void request(List<Destination> destinations, MessageBody body, String what,
                        BiConsumer<Message, OverlayException> callback) {
        if (!isMember()) {
            callback.accept(null, new OverlayException.NotJoined(state.name()));
            return;
        }
        originate(newRequest(destinations, body, List.of(new PeerDirectory(List.of(selfRecord())))), null, what,
            callback);
    }

    private boolean isMember() {
        return state == PeerState.ACTIVE || state == PeerState.DRAINING;
    }

    // ---------------------------------------------------------------- transactions

    private Message newRequest(List<Destination> destinations, MessageBody body, List<MessageExtension> ext) {
        ForwardingHeader h = new ForwardingHeader(overlayHash, 1, config.initialTtl(), random.nextLong(), 0,
            List.of(), destinations, new byte[0]);
        return new Message(h, body, ext);
    }

    private void originate(Message m, LinkTarget firstTarget, String what,
                           BiConsumer<Message, OverlayException> callback) {
        Pending p = new Pending(m.transactionId(), m, callback, what);
        pending.put(p.txId, p);
        transmit(p, firstTarget);
    }

    private void transmit(Pending p, LinkTarget fixedTarget) {
        p.transmissions++;
        p.deadline = now() + config.reliabilityTimer().toMillis();
        timers.add(p);
        stats.requestsSent++;
        if (fixedTarget != null) {
            link.send(fixedTarget, p.message);
        } else if (isForSelf(p.message)) {
            deliverRequest(p.message, new ReturnPath(LOOPBACK, List.of()));
        } else {
            routeOut(p.message, true);
        }
    }

    /**
     * True if a request this peer originates is for itself: its one destination is this peer or
     * a Resource-ID it is responsible for (a store by the peer that owns the key, a fetch from a
     * replica set that includes this peer). Routing would have nowhere to send it.
     */
    private boolean isForSelf(Message m) {
        List<Destination> dest = m.header().destinationList();
        if (dest.size() != 1) {
            return false;
        }
        return dest.get(0) instanceof Destination.Node n && n.id().equals(self)
            || dest.get(0) instanceof Destination.Resource r && isResponsibleFor(r.id());
    }

    private void retransmitOrFail(Pending p) {
        if (p.done) {
            return;
        }
        if (p.transmissions < config.maxTransmissions()) {
            stats.retransmissions++;
            LinkTarget fixed = p.message.body() instanceof Attach && state == PeerState.JOINING
                ? new LinkTarget.ToAddress(bootstraps.get((joinAttempts - 1) % bootstraps.size())) : null;
            transmit(p, fixed);
            return;
        }
        p.done = true;
        pending.remove(p.txId);
        stats.requestsFailed++;
        onRequestFailed(p.message);
        p.callback.accept(null, new OverlayException.Timeout(p.what));
    }

    /** A request to a specific peer got no answer at all: the peer is presumed failed (§10.7.1). */
    private void onRequestFailed(Message m) {
        List<Destination> dest = m.header().destinationList();
        if (dest.size() == 1 && dest.get(0) instanceof Destination.Node n && !n.id().equals(self)) {
            declareFailed(n.id());
        }
    }

    private void onAnswer(Message answer) {
        Pending p = pending.remove(answer.transactionId());
        if (p == null || p.done) {
            stats.lateAnswers++;
            return;
        }
        p.done = true;
        if (answer.body() instanceof MessageBody.Error e) {
            String reason = new String(e.errorInfo(), StandardCharsets.UTF_8);
            p.callback.accept(answer, new OverlayException.RemoteError(e.errorCode().value(), reason));
        } else {
            p.callback.accept(answer, null);
        }
    }

    // ---------------------------------------------------------------- inbound messages

    /** A message arrived on a connection (see {@link org.sipring.peer.overlay.link.LinkListener}). */
    public void onMessage(long connection, PeerAddress remoteListen, Message m) {
        stats.messagesIn++;
        ForwardingHeader h = m.header();
        boolean isRequest = m.code().isRequest();
        if (h.overlay() != overlayHash) {
            stats.dropped++;
            if (isRequest) {
                replyError(m, new ReturnPath(connection, returnList(m, connection, remoteListen)),
                    ErrorCode.INCOMPATIBLE_WITH_OVERLAY, "wrong overlay");
            }
            return;
        }
        if (h.ttl() > config.initialTtl()) {
            stats.dropped++;
            if (isRequest) {
                replyError(m, new ReturnPath(connection, returnList(m, connection, remoteListen)),
                    ErrorCode.TTL_EXCEEDED, "ttl above initial-ttl");
            }
            return;
        }
        List<Destination> dest = new ArrayList<>(h.destinationList());
        while (!dest.isEmpty()) {
            Destination head = dest.get(0);
            if (head instanceof Destination.Node n && (n.id().equals(self) || n.id().isWildcard())) {
                dest.remove(0);
                continue;
            }
            if (head instanceof Destination.Opaque o) {
                Optional<Long> conn = decodeOpaque(o);
                if (conn.isEmpty()) {
                    stats.dropped++;
                    return;
                }
                dest.remove(0);
                link.send(new LinkTarget.OnConnection(conn.get()), m.withHeader(h.withLists(h.viaList(), dest)));
                stats.forwarded++;
                return;
            }
            if (head instanceof Destination.Resource r && isResponsibleFor(r.id())) {
                if (dest.size() == 1) {
                    break;
                }
                dest.remove(0);
                continue;
            }
            if (head instanceof Destination.Node n && isRequest && isResponsibleFor(n.id()) && !view.isAlive(n.id())) {
                replyError(m, new ReturnPath(connection, returnList(m, connection, remoteListen)),
                    ErrorCode.NOT_FOUND, "no peer " + n.id().shortHex());
                return;
            }
            forward(m, dest, connection, remoteListen);
            return;
        }
        if (isRequest) {
            deliverRequest(m, new ReturnPath(connection, returnList(m, connection, remoteListen)));
        } else {
            onAnswer(m);
        }
    }

    /** The link to an address (or an inbound connection) went away. */
    public void onConnectionClosed(long connection, PeerAddress remoteListen, String reason) {
        if (remoteListen == null) {
            return;
        }
        NodeId peer = idByAddress.get(remoteListen);
        if (peer == null || !view.isAlive(peer) || peer.equals(self)) {
            return;
        }
        if (isSuspect(peer)) {
            // the link broke and reconnecting failed too: nobody listens there any more (§6.6.5)
            declareFailed(peer);
            return;
        }
        suspect(peer);
        if (isMember() && neighbors.all().contains(peer)) {
            probeNeighbor(peer);
        }
    }

    private void forward(Message m, List<Destination> dest, long connection, PeerAddress remoteListen) {
        ForwardingHeader h = m.header();
        boolean isRequest = m.code().isRequest();
        if (!isMember() && isRequest) {
            stats.dropped++;
            return;
        }
        if (h.ttl() == 0) {
            stats.dropped++;
            if (isRequest) {
                replyError(m, new ReturnPath(connection, returnList(m, connection, remoteListen)),
                    ErrorCode.TTL_EXCEEDED, "ttl exhausted");
            }
            return;
        }
        List<Destination> via = h.viaList();
        if (isRequest) {
            if (loops(via)) {
                stats.loops++;
                replyError(m, new ReturnPath(connection, returnList(m, connection, remoteListen)),
                    ErrorCode.INVALID_MESSAGE, "routing loop at " + self.shortHex());
                return;
            }
            via = new ArrayList<>(via);
            via.add(previousHop(connection, remoteListen));
        }
        stats.forwarded++;
        routeOut(m.withHeader(h.withLists(via, dest).withTtl(h.ttl() - 1)), isRequest);
    }

    private boolean loops(List<Destination> via) {
        for (Destination d : via) {
            if (d instanceof Destination.Node n && n.id().equals(self)
                || d instanceof Destination.Opaque o && decodeOpaque(o).isPresent()) {
                return true;
            }
        }
        return false;
    }

    /** Sends a message whose first destination is another peer: directly if known, else by §10.3. */
    private void routeOut(Message m, boolean isRequest) {
        Destination head = m.header().destinationList().get(0);
        NodeId next;
        if (head instanceof Destination.Node n) {
            if (view.address(n.id()).isPresent() && (view.isAlive(n.id()) || !isRequest)) {
                next = n.id();
            } else {
                next = nextHop(n.id()).orElse(null);
            }
        } else if (head instanceof Destination.Resource r) {
            next = nextHop(r.id()).orElse(null);
        } else {
            next = null;
        }
        if (next == null || next.equals(self)) {
            stats.dropped++;
            return;
        }
        Optional<PeerAddress> addr = view.address(next);
        if (addr.isEmpty()) {
            stats.dropped++;
            return;
        }
        stats.transmissions++;
        link.send(new LinkTarget.ToAddress(addr.get()), m);
    }

    /**
     * The next hop towards k (§10.3): the successor when k lies between this peer and it; with
     * the membership view, the peer the view says is responsible; else the chord routing rule
     * over neighbors and fingers.
     */
    Optional<NodeId> nextHop(RingId k) {
        if (isResponsibleFor(k)) {
            return Optional.of(self);
        }
        List<NodeId> succ = liveSuccessors();
        if (!succ.isEmpty() && IdInterval.openClosed(self, succ.get(0)).contains(k)) {
            return Optional.of(succ.get(0));
        }
        if (config.fullMembership()) {
            Optional<NodeId> s = view.successorOf(k);
            if (s.isPresent() && !s.get().equals(self) && !isSuspect(s.get())) {
                return s;
            }
        }
        Set<NodeId> entries = new LinkedHashSet<>();
        for (NodeId n : neighbors.all()) {
            if (!isSuspect(n)) {
                entries.add(n);
            }
        }
        for (NodeId n : fingers.distinctPeers()) {
            if (!isSuspect(n) && view.isAlive(n)) {
                entries.add(n);
            }
        }
        if (entries.isEmpty() && !isMember()) {
            for (NodeId n : view.aliveIds()) {
                if (!n.equals(self) && !isSuspect(n)) {
                    entries.add(n);
                }
            }
        }
        return RoutingRule.nextHop(self, k, entries);
    }

    private List<NodeId> liveSuccessors() {
        List<NodeId> out = new ArrayList<>();
        for (NodeId n : neighbors.successors()) {
            if (!isSuspect(n)) {
                out.add(n);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- return paths

    /** The Via-list entry for the hop a message came from: its Node-ID if known, else opaque. */
    private Destination previousHop(long connection, PeerAddress remoteListen) {
        NodeId known = remoteListen == null ? null : idByAddress.get(remoteListen);
        if (known != null) {
            return new Destination.Node(known);
        }
        ByteBuffer b = ByteBuffer.allocate(16).putLong(opaqueTag).putLong(connection);
        return new Destination.Opaque(b.array());
    }

    private Optional<Long> decodeOpaque(Destination.Opaque o) {
        byte[] v = o.value();
        if (v.length != 16) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        return b.getLong() == opaqueTag ? Optional.of(b.getLong()) : Optional.empty();
    }

    /** §6.2.2: the response's destination list is the reversed Via list, previous hop first. */
    private List<Destination> returnList(Message request, long connection, PeerAddress remoteListen) {
        List<Destination> via = request.header().viaList();
        List<Destination> out = new ArrayList<>(via.size() + 1);
        out.add(previousHop(connection, remoteListen));
        for (int i = via.size() - 1; i >= 0; i--) {
            out.add(via.get(i));
        }
        return out;
    }

    /** Sends an answer back along its return path and remembers it for retransmissions. */
    public void respond(Message request, ReturnPath path, MessageBody body, List<MessageExtension> ext) {
        ForwardingHeader h = new ForwardingHeader(overlayHash, 1, config.initialTtl(), request.transactionId(), 0,
            List.of(), path.destinations(), new byte[0]);
        Message answer = new Message(h, body, ext);
        replay.complete(request.transactionId(), answer);
        sendAnswer(answer, path.connection());
    }

    private void sendAnswer(Message answer, long connection) {
        if (connection == LOOPBACK) {
            stats.answersSent++;
            onAnswer(answer);
            return;
        }
        List<Destination> dest = new ArrayList<>(answer.header().destinationList());
        if (!dest.isEmpty() && dest.get(0) instanceof Destination.Opaque o && decodeOpaque(o).isPresent()) {
            dest.remove(0);
        }
        ForwardingHeader h = answer.header();
        stats.answersSent++;
        link.send(new LinkTarget.OnConnection(connection), answer.withHeader(h.withLists(h.viaList(), dest)));
    }

    public void replyError(Message request, ReturnPath path, ErrorCode code, String reason) {
        stats.errorsSent++;
        respond(request, path, new MessageBody.Error(code, reason.getBytes(StandardCharsets.UTF_8)), List.of());
    }

    // ---------------------------------------------------------------- request handlers

    private void deliverRequest(Message m, ReturnPath path) {
        switch (replay.begin(m.transactionId(), now())) {
            case IN_PROGRESS -> {
                stats.duplicateRequests++;
                return;
            }
            case ANSWERED -> {
                stats.duplicateRequests++;
                Message cached = replay.answer(m.transactionId()).orElseThrow();
                ForwardingHeader h = cached.header();
                sendAnswer(cached.withHeader(h.withLists(List.of(), path.destinations())), path.connection());
                return;
            }
            case NEW -> {
            }
        }
        stats.requestsHandled++;
        if (state == PeerState.LEFT) {
            replyError(m, path, ErrorCode.NOT_FOUND, "peer has left the overlay");
            return;
        }
        MessageBody body = m.body();
        if (body instanceof PingReq) {
            onPing(m, path);
        } else if (body instanceof ProbeReq p) {
            onProbe(m, p, path);
        } else if (body instanceof Attach a && !a.answer()) {
            onAttach(m, a, path);
        } else if (body instanceof JoinReq j) {
            onJoin(m, j, path);
        } else if (body instanceof UpdateReq u) {
            onUpdate(m, u, path);
        } else if (body instanceof LeaveReq l) {
            onLeave(m, l, path);
        } else if (body instanceof RouteQueryReq q) {
            onRouteQuery(m, q, path);
        } else if (storageHandler == null || !storageHandler.handle(m, path, this)) {
            replyError(m, path, ErrorCode.INVALID_MESSAGE, "unsupported request " + m.code());
        }
    }

    /** §6.5.3: Ping; the answer carries this peer's record and membership news. */
    private void onPing(Message m, ReturnPath path) {
        mergeDirectory(m);
        PeerDirectory payload = gossipPayload(isFullSync(m));
        Optional<PeerRecord> departed = firstRecord(m).flatMap(r -> view.get(r.id())
            .filter(known -> known.status() != PeerStatus.ALIVE && MembershipView.supersedes(known, r)));
        if (departed.isPresent()) {
            // the sender is gone by this view: tell it, so that a sender still alive refutes
            List<PeerRecord> records = new ArrayList<>(payload.records());
            records.add(departed.get());
            payload = new PeerDirectory(records);
        }
        respond(m, path, new PingAns(random.nextLong(), now()), List.of(payload));
    }

    private static boolean isFullSync(Message m) {
        return directory(m).map(d -> d.records().size() > MAX_RUMORS_PER_MESSAGE + 1).orElse(false);
    }

    /** §6.4.2.5: Probe; the answer names this peer in a peer-directory extension. */
    private void onProbe(Message m, ProbeReq p, ReturnPath path) {
        List<ProbeInfo> info = new ArrayList<>();
        for (ProbeInfoType t : p.requested()) {
            long v = switch (t) {
                case RESPONSIBLE_SET -> (long) Math.min(1_000_000_000L, Math.round(neighbors.responsibleRange().fraction() * 1e9));
                case NUM_RESOURCES -> 0;
                case UPTIME -> (now() - startedAt) / 1000;
            };
            info.add(new ProbeInfo(t, v));
        }
        respond(m, path, new ProbeAns(info), List.of(new PeerDirectory(List.of(selfRecord()))));
    }

    /**
     * §6.5.1 Attach, as the joining step of §10.5: answers with this peer's candidate and its view
     * of the overlay (all of it with full membership, else its routing table), and sends the
     * Update the requester asked for with send_update.
     */
    private void onAttach(Message m, Attach a, ReturnPath path) {
        if (!isMember()) {
            // a peer still joining knows only part of the overlay: its view would mislead the joiner
            replyError(m, path, ErrorCode.NOT_FOUND, "not a member of the overlay yet");
            return;
        }
        Optional<PeerRecord> requester = firstRecord(m);
        Attach ans = new Attach(true, new byte[0], new byte[0], "passive".getBytes(StandardCharsets.US_ASCII),
            List.of(selfCandidate()), false);
        respond(m, path, ans, List.of(new PeerDirectory(directoryForJoiner())));
        if (a.sendUpdate() && requester.isPresent() && isMember()) {
            sendUpdate(requester.get().id(), new LinkTarget.ToAddress(requester.get().address()), UpdateType.FULL);
        }
    }

    private List<PeerRecord> directoryForJoiner() {
        if (config.fullMembership()) {
            return view.aliveRecords();
        }
        List<PeerRecord> out = new ArrayList<>();
        out.add(selfRecord());
        Set<NodeId> ids = new LinkedHashSet<>(neighbors.all());
        ids.addAll(fingers.distinctPeers());
        for (NodeId n : ids) {
            view.get(n).ifPresent(out::add);
        }
        return out;
    }

    /**
     * §10.5 Join at the admitting peer: accepts a joiner whose Node-ID falls in this peer's range,
     * makes it the predecessor and tells every neighbor.
     */
    private void onJoin(Message m, JoinReq j, ReturnPath path) {
        Optional<PeerRecord> rec = firstRecord(m).filter(r -> r.id().equals(j.joiningPeer()));
        if (!isMember() || rec.isEmpty()) {
            replyError(m, path, ErrorCode.FORBIDDEN, "join refused: not a member or no joiner record");
            return;
        }
        NodeId joiner = j.joiningPeer();
        if (joiner.equals(self) || !neighbors.isResponsibleFor(joiner)) {
            replyError(m, path, ErrorCode.FORBIDDEN, "join refused: " + joiner.shortHex()
                + " is not in this peer's range " + neighbors.responsibleRange());
            return;
        }
        if (j.overlaySpecific().length > 0 && (j.overlaySpecific()[0] & JOIN_FLAG_BALANCED) != 0
            && !nearMiddle(neighbors.responsibleRange(), joiner)) {
            // another peer joined into this range since the joiner looked: let it pick again,
            // telling it who now borders this range
            List<PeerRecord> bordering = new ArrayList<>();
            bordering.add(selfRecord());
            for (NodeId n : neighbors.all()) {
                view.get(n).ifPresent(bordering::add);
            }
            stats.errorsSent++;
            respond(m, path, new MessageBody.Error(ErrorCode.FORBIDDEN, ("join refused: range of " + self.shortHex()
                + " changed, choose the Node-ID again").getBytes(StandardCharsets.UTF_8)),
                List.of(new PeerDirectory(bordering)));
            return;
        }
        mergeRecord(rec.get());
        rumor(rec.get());
        respond(m, path, new JoinAns(new byte[0]), List.of(new PeerDirectory(directoryForJoiner())));
        rebuildNeighbors();
        sendUpdate(joiner, targetFor(joiner), UpdateType.FULL);
        sendUpdates(UpdateType.NEIGHBORS);
    }

    /** True if id lies in the middle half of the range, where a balanced joiner aims. */
    static boolean nearMiddle(IdInterval range, NodeId id) {
        double whole = range.fraction();
        double part = IdInterval.openClosed(range.start(), id).fraction();
        double share = part / whole;
        return share >= 0.25 && share <= 0.75;
    }

    /** §10.7.1 Update: learn the sender's neighbors (and fingers) and repair the neighbor table. */
    private void onUpdate(Message m, UpdateReq u, ReturnPath path) {
        mergeDirectory(m);
        respond(m, path, new UpdateAns(), List.of());
        if (isMember() && rebuildNeighbors()) {
            sendUpdates(UpdateType.NEIGHBORS);
        }
    }

    /** §10.9 Leave: the leaver is gone; its ChordLeaveData helps fill the gap it leaves. */
    private void onLeave(Message m, LeaveReq l, ReturnPath path) {
        Optional<PeerRecord> rec = firstRecord(m).filter(r -> r.id().equals(l.leavingPeer()));
        mergeDirectory(m);
        PeerRecord gone = rec.map(r -> new PeerRecord(r.id(), r.address(), r.incarnation(), PeerStatus.LEFT))
            .orElseGet(() -> view.get(l.leavingPeer())
                .map(r -> new PeerRecord(r.id(), r.address(), r.incarnation(), PeerStatus.LEFT)).orElse(null));
        respond(m, path, new LeaveAns(), List.of());
        if (gone != null && mergeRecord(gone) != MembershipView.Change.NONE) {
            rumor(gone);
            fingers.remove(gone.id());
            if (isMember() && rebuildNeighbors()) {
                sendUpdates(UpdateType.NEIGHBORS);
            }
        }
    }

    /** §6.4.2.4 RouteQuery: where this peer would send a message for the destination. */
    private void onRouteQuery(Message m, RouteQueryReq q, ReturnPath path) {
        RingId k = q.destination() instanceof Destination.Node n ? n.id()
            : q.destination() instanceof Destination.Resource r ? r.id() : null;
        if (k == null) {
            replyError(m, path, ErrorCode.INVALID_MESSAGE, "route query for an opaque destination");
            return;
        }
        NodeId next = nextHop(k).orElse(self);
        respond(m, path, new RouteQueryAns(next), List.of(new PeerDirectory(view.get(next).stream().toList())));
    }

    // ---------------------------------------------------------------- updates, stabilization, failures

    private void sendUpdates(UpdateType type) {
        for (NodeId n : neighbors.all()) {
            sendUpdate(n, targetFor(n), type);
        }
    }

    private void sendUpdate(NodeId to, LinkTarget target, UpdateType type) {
        List<NodeId> fingerList = type == UpdateType.FULL ? fingers.distinctPeers() : List.of();
        UpdateReq u = new UpdateReq((now() - startedAt) / 1000, type, neighbors.predecessors(),
            neighbors.successors(), fingerList);
        List<PeerRecord> records = new ArrayList<>();
        records.add(selfRecord());
        Set<NodeId> ids = new LinkedHashSet<>(neighbors.all());
        ids.addAll(fingerList);
        for (NodeId n : ids) {
            view.get(n).ifPresent(records::add);
        }
        Message m = newRequest(List.of(new Destination.Node(to)), u, List.of(new PeerDirectory(records)));
        stats.updatesSent++;
        originate(m, target, "update to " + to.shortHex(), (ans, err) -> {
            if (err == null) {
                suspectUntil.remove(to);
            }
        });
    }

    private void probeNeighbor(NodeId n) {
        sendUpdate(n, targetFor(n), UpdateType.NEIGHBORS);
    }

    private LinkTarget targetFor(NodeId n) {
        return view.address(n).<LinkTarget>map(LinkTarget.ToAddress::new).orElse(null);
    }

    /** A peer that answered nothing through every retransmission is gone (§10.7.1, §6.6.5). */
    private void declareFailed(NodeId peer) {
        Optional<PeerRecord> r = view.get(peer);
        if (r.isEmpty() || r.get().status() != PeerStatus.ALIVE) {
            return;
        }
        stats.failuresDetected++;
        PeerRecord failed = new PeerRecord(peer, r.get().address(), r.get().incarnation(), PeerStatus.FAILED);
        mergeRecord(failed);
        rumor(failed);
        fingers.remove(peer);
        if (isMember() && rebuildNeighbors()) {
            sendUpdates(UpdateType.NEIGHBORS);
        }
    }

    private void suspect(NodeId peer) {
        suspectUntil.put(peer, now() + config.requestFailureTime().toMillis());
    }

    private boolean isSuspect(NodeId peer) {
        Long until = suspectUntil.get(peer);
        if (until == null) {
            return false;
        }
        if (until <= now()) {
            suspectUntil.remove(peer);
            return false;
        }
        return true;
    }

    private boolean rebuildNeighbors() {
        IdInterval before = neighbors.responsibleRange();
        boolean changed = neighbors.rebuild(view.aliveIds());
        if (changed && storageHandler != null && isMember()) {
            storageHandler.neighborsChanged(this, before);
        }
        return changed;
    }

    /**
     * Sends a request straight to a peer's address, also while joining (the joiner's transfer
     * from its admitting peer); answers and failures as for {@link #request}.
     */
    public void requestDirect(NodeId to, PeerAddress address, MessageBody body, String what,
                              BiConsumer<Message, OverlayException> callback) {
        if (state == PeerState.LEFT) {
            callback.accept(null, new OverlayException.NotJoined(state.name()));
            return;
        }
        originate(newRequest(List.of(new Destination.Node(to)), body, List.of(new PeerDirectory(List.of(selfRecord())))),
            new LinkTarget.ToAddress(address), what, callback);
    }

    // ---------------------------------------------------------------- membership view and gossip

    private MembershipView.Change mergeRecord(PeerRecord r) {
        if (r.id().equals(self) && r.status() != PeerStatus.ALIVE && state == PeerState.ACTIVE
            && r.incarnation() >= incarnation) {
            // someone declared this peer departed: refute with a newer incarnation
            incarnation = r.incarnation() + 1;
            PeerRecord alive = selfRecord();
            view.merge(alive, now());
            rumor(alive);
            return MembershipView.Change.NONE;
        }
        MembershipView.Change c = view.merge(r, now());
        if (c != MembershipView.Change.NONE) {
            idByAddress.put(r.address(), r.id());
        }
        return c;
    }

    private void mergeDirectory(Message m) {
        directory(m).ifPresent(d -> {
            boolean departures = false;
            for (PeerRecord r : d.records()) {
                MembershipView.Change c = mergeRecord(r);
                if (c == MembershipView.Change.DEPARTED) {
                    departures = true;
                    fingers.remove(r.id());
                }
                if (c != MembershipView.Change.NONE && config.fullMembership()) {
                    rumor(r);
                }
            }
            if (isMember() && departures && rebuildNeighbors()) {
                sendUpdates(UpdateType.NEIGHBORS);
            }
        });
    }

    private static Optional<PeerDirectory> directory(Message m) {
        for (MessageExtension e : m.extensions()) {
            if (e instanceof PeerDirectory d) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    /** The record a request names its sender by (first entry of its peer-directory extension), if any. */
    public static Optional<PeerRecord> senderRecord(Message m) {
        return firstRecord(m);
    }

    private static Optional<PeerRecord> firstRecord(Message m) {
        return directory(m).flatMap(d -> d.records().stream().findFirst());
    }

    private void rumor(PeerRecord r) {
        if (!config.fullMembership()) {
            return;
        }
        int n = Math.max(2, view.aliveCount());
        int times = 3 * (64 - Long.numberOfLeadingZeros(n));
        rumors.removeIf(x -> x.record.id().equals(r.id()));
        rumors.addFirst(new Rumor(r, new int[] {times}));
        while (rumors.size() > 4096) {
            rumors.removeLast();
        }
    }

    private PeerDirectory gossipPayload(boolean full) {
        List<PeerRecord> out = new ArrayList<>();
        out.add(selfRecord());
        if (full) {
            out.addAll(view.allRecords());
            return new PeerDirectory(out);
        }
        Iterator<Rumor> it = rumors.iterator();
        while (it.hasNext() && out.size() <= MAX_RUMORS_PER_MESSAGE) {
            Rumor r = it.next();
            out.add(r.record);
            if (--r.remaining[0] <= 0) {
                it.remove();
            }
        }
        return new PeerDirectory(out);
    }

    private void gossip() {
        boolean full = ++gossipRound % FULL_SYNC_EVERY == 0;
        if (gossipRound % PROBE_FAILED_EVERY == 0 && probeFailed()) {
            return;
        }
        List<NodeId> candidates = new ArrayList<>();
        for (NodeId n : view.aliveIds()) {
            if (!n.equals(self)) {
                candidates.add(n);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        NodeId to = candidates.get(random.nextInt(candidates.size()));
        Message m = newRequest(List.of(new Destination.Node(to)), new PingReq(0), List.of(gossipPayload(full)));
        stats.gossipSent++;
        originate(m, targetFor(to), "gossip to " + to.shortHex(), (ans, err) -> {
            if (err == null) {
                mergeDirectory(ans);
            }
        });
    }

    /**
     * Gossips with one peer this view holds as failed, telling it so. A peer that was only cut
     * off (a network partition that has healed, a long pause) refutes with a newer incarnation
     * and answers with this peer's own departure record if it holds one, so both sides take each
     * other back and the rings on either side of a healed partition merge again. A peer that is
     * really gone does not answer.
     *
     * @return false when no peer is held as failed
     */
    private boolean probeFailed() {
        List<PeerRecord> failed = view.failedRecords();
        if (failed.isEmpty()) {
            return false;
        }
        PeerRecord to = failed.get(random.nextInt(failed.size()));
        PeerDirectory payload = gossipPayload(false);
        List<PeerRecord> records = new ArrayList<>(payload.records());
        records.add(to);
        Message m = newRequest(List.of(new Destination.Node(to.id())), new PingReq(0),
            List.of(new PeerDirectory(records)));
        stats.gossipSent++;
        originate(m, new LinkTarget.ToAddress(to.address()), "probe of failed " + to.id().shortHex(), (ans, err) -> {
            if (err == null) {
                mergeDirectory(ans);
            }
        });
        return true;
    }

    // ---------------------------------------------------------------- fingers

    private void refreshAllFingersFromView() {
        for (int i = 0; i < fingers.size(); i++) {
            NodeId target = fingers.target(i);
            Optional<NodeId> s = view.successorOf(target);
            fingers.set(i, s.filter(n -> !n.equals(self)).orElse(null));
        }
    }

    /** §10.7.4.2: re-resolves one finger: a new random target in its range, probed through the overlay. */
    private void refreshOneFinger() {
        int i = fingerCursor;
        fingerCursor = (fingerCursor + 1) % fingers.size();
        fingers.retarget(i, random);
        if (config.fullMembership()) {
            refreshAllFingersFromView();
            return;
        }
        ResourceId target = ResourceId.at(fingers.target(i));
        if (isResponsibleFor(target)) {
            fingers.set(i, null);
            return;
        }
        Message m = newRequest(List.of(new Destination.Resource(target)), new ProbeReq(List.of()), List.of());
        originate(m, null, "finger " + i, (ans, err) -> {
            if (err == null) {
                firstRecord(ans).ifPresent(r -> {
                    mergeRecord(r);
                    fingers.set(i, r.id());
                });
            }
        });
    }

    // ---------------------------------------------------------------- rebalancing

    /**
     * Keeps the largest range within twice the mean after departures ({@link RebalanceRule}). Only
     * the peer the rule names moves, and only when it has reached the same verdict on two checks
     * in a row, so that views can settle first.
     */
    private void checkBalance() {
        boolean me = RebalanceRule.mover(view.aliveIds()).map(self::equals).orElse(false);
        if (!me) {
            balanceStrikes = 0;
            return;
        }
        if (++balanceStrikes < 2) {
            return;
        }
        balanceStrikes = 0;
        relocate();
    }

    /**
     * Moves this peer: tells its neighbors the old Node-ID leaves (§10.9), then joins again with
     * a balanced Node-ID, which lands in the largest range. The process stays up throughout.
     */
    private void relocate() {
        stats.relocations++;
        if (storageHandler == null) {
            moveToBalancedId();
            return;
        }
        // hand the old range over first, as a drain does, still serving meanwhile
        state = PeerState.DRAINING;
        storageHandler.beforeLeave(this, () -> {
            if (state == PeerState.DRAINING && leaveFuture == null) {
                moveToBalancedId();
            }
        });
    }

    private void moveToBalancedId() {
        PeerRecord gone = sendLeaves(() -> { });
        rumor(gone);
        List<PeerAddress> via = new ArrayList<>();
        for (NodeId n : neighbors.all()) {
            view.address(n).ifPresent(via::add);
        }
        setSelf(NodeId.random(random));
        state = PeerState.JOINING;
        chooseBalanced = true;
        bootstraps = List.copyOf(via);
        joinAttempts = 0;
        joinRefusals = 0;
        chooseIdAndJoin();
    }

    // ---------------------------------------------------------------- time

    /** Runs whatever is due: retransmissions, stabilization, finger refresh, gossip, expiry. */
    public void tick() {
        long t = now();
        while (!timers.isEmpty() && timers.peek().deadline <= t) {
            Pending p = timers.poll();
            if (!p.done) {
                retransmitOrFail(p);
            }
        }
        replay.expire(t);
        if (state == PeerState.JOINING && rejoinAt > 0 && t >= rejoinAt) {
            rejoinAt = 0;
            joinAttempts = 0;
            attachToAdmittingPeer();
        }
        if (storageHandler != null && state != PeerState.LEFT) {
            // also while joining: the joiner's range transfer paces itself on these ticks
            storageHandler.tick(this, t);
        }
        if (!isMember()) {
            return;
        }
        if (config.fullMembership() && config.rebalance() && state == PeerState.ACTIVE && t >= nextBalanceCheck) {
            nextBalanceCheck = t + 2 * config.stabilizeInterval().toMillis();
            checkBalance();
        }
        if (t >= nextStabilize) {
            nextStabilize = t + jitter(config.stabilizeInterval().toMillis());
            sendUpdates(UpdateType.NEIGHBORS);
        }
        if (t >= nextFingerRefresh) {
            nextFingerRefresh = t + config.fingerRefreshInterval().toMillis();
            refreshOneFinger();
        }
        if (config.fullMembership() && t >= nextGossip) {
            nextGossip = t + jitter(config.gossipInterval().toMillis());
            gossip();
        }
        if (t >= nextPurge) {
            nextPurge = t + 60_000;
            view.purgeDeparted(t - 600_000);
        }

    }

    /** A period with +-25 % random offset, so peers do not act in lockstep (§10.7.4.3). */
    private long jitter(long periodMillis) {
        long spread = Math.max(1, periodMillis / 2);
        return periodMillis - spread / 2 + random.nextLong(spread);
    }

    /** The peer among others nearest after self, clockwise. */
    private static NodeId nearestAfter(NodeId self, List<NodeId> others) {
        NodeId best = null;
        long[] bestDist = null;
        for (NodeId n : others) {
            long[] d = self.distanceTo(n);
            if (bestDist == null || RoutingRule.cmp(d, bestDist) < 0) {
                best = n;
                bestDist = d;
            }
        }
        return best;
    }

    /** Counters for metrics and the simulator. Driver-thread only. */
    public static final class ChordStats {
        public long messagesIn;
        public long requestsSent;
        public long requestsHandled;
        public long requestsFailed;
        public long retransmissions;
        public long duplicateRequests;
        public long lateAnswers;
        public long answersSent;
        public long errorsSent;
        public long forwarded;
        public long transmissions;
        public long dropped;
        public long loops;
        public long updatesSent;
        public long gossipSent;
        public long failuresDetected;
        public long joins;
        public long relocations;
    }
}
