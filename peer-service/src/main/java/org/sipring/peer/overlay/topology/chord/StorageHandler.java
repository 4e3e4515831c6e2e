package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.LocalStorage.SlotChange;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.RingId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.DigestOp;
import org.sipring.peer.overlay.message.MessageBody.DigestResult;
import org.sipring.peer.overlay.message.MessageBody.FetchAns;
import org.sipring.peer.overlay.message.MessageBody.FetchKindResponse;
import org.sipring.peer.overlay.message.MessageBody.FetchReq;
import org.sipring.peer.overlay.message.MessageBody.PullOp;
import org.sipring.peer.overlay.message.MessageBody.PullResult;
import org.sipring.peer.overlay.message.MessageBody.PushOp;
import org.sipring.peer.overlay.message.MessageBody.PushResult;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateAns;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateReq;
import org.sipring.peer.overlay.message.MessageBody.StoreAns;
import org.sipring.peer.overlay.message.MessageBody.StoreKindData;
import org.sipring.peer.overlay.message.MessageBody.StoreKindResponse;
import org.sipring.peer.overlay.message.MessageBody.StoreReq;
import org.sipring.peer.overlay.message.MessageBody.StoredData;
import org.sipring.peer.overlay.message.MessageBody.SyncAns;
import org.sipring.peer.overlay.message.MessageBody.SyncReq;
import org.sipring.peer.overlay.message.MessageBody.UnknownKindReq;
import org.sipring.peer.overlay.message.MessageExtension;

/**
 * Serves the storage requests routing brings to this peer: Store (original and replica, RFC 6940
 * §7.4.1, §10.4), Fetch (§7.4.2), the atomic slot update (exp_b) and range synchronization
 * (exp_a). Storage futures complete on the storage thread; their results are handed back to the
 * driver thread before the state machine is touched. One StoreReq carries one kind here.
 */
public final class StorageHandler implements ChordPeer.RequestHandler {

    private final LocalStorage storage;
    private final Executor driver;
    private final RangeSync sync;
    private Replicator replicator;

    public StorageHandler(LocalStorage storage, Executor driver, RangeSync.Settings settings) {
        this.storage = storage;
        this.driver = driver;
        this.sync = new RangeSync(storage, driver, settings);
    }

    public RangeSync.Progress handOffProgress() {
        return sync.progress();
    }

    @Override
    public void tick(ChordPeer peer, long now) {
        sync.tick(peer, now);
    }

    @Override
    public void beforeJoin(ChordPeer peer, NodeId admitting, PeerAddress admittingAddress, IdInterval held,
                           Runnable proceed) {
        sync.pullBeforeJoin(peer, admitting, admittingAddress, held, proceed);
    }

    @Override
    public void beforeLeave(ChordPeer peer, Runnable proceed) {
        sync.handOff(peer, proceed);
    }

    @Override
    public void neighborsChanged(ChordPeer peer, IdInterval oldRange) {
        sync.rangeChanged(peer, oldRange);
    }

    @Override
    public boolean handle(Message request, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (replicator == null) {
            replicator = new Replicator(peer);
        }
        MessageBody body = request.body();
        if (body instanceof UnknownKindReq u) {
            peer.replyError(request, path, ErrorCode.UNKNOWN_KIND, "unknown Kind-ID " + u.unknownKinds());
        } else if (body instanceof StoreReq s) {
            onStore(request, s, path, peer);
        } else if (body instanceof FetchReq f) {
            onFetch(request, f, path, peer);
        } else if (body instanceof SlotUpdateReq u) {
            onUpdate(request, u, path, peer);
        } else if (body instanceof SyncReq s) {
            onSync(request, s, path, peer);
        } else {
            return false;
        }
        return true;
    }

    private void onStore(Message request, StoreReq s, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (s.kindData().size() != 1) {
            peer.replyError(request, path, ErrorCode.INVALID_MESSAGE, "one kind per store");
            return;
        }
        StoreKindData kd = s.kindData().get(0);
        Optional<Kind> kind = storage.kind(kd.kind());
        if (kind.isEmpty()) {
            peer.replyError(request, path, ErrorCode.UNKNOWN_KIND, "unknown Kind-ID " + kd.kind());
            return;
        }
        SlotKey key = new SlotKey(s.resource(), kd.kind());
        if (s.replicaNumber() > 0) {
            onReplicaStore(request, s, kd, kind.get(), key, path, peer);
            return;
        }
        if (refuseAsOwner(request, s.resource(), path, peer)) {
            return;
        }
        List<StoredValue> values = new ArrayList<>();
        for (StoredData d : kd.values()) {
            values.add(d.toStoredValue());
        }
        OwnerWrite w = ownerWrite(request, path, peer, kind.get(), (change, replicas) ->
            peer.respond(request, path, new StoreAns(List.of(
                new StoreKindResponse(kd.kind(), change.slot().generation(), replicas))), List.of()));
        track(storage.store(key, kd.generationCounter(), values, c -> driver.execute(() -> w.applied(c))), w);
    }

    /**
     * §7.4.1.1, §10.4: a peer never keeps an original store for a resource it is not responsible
     * for; and while it merges a range it has just taken over, it asks the writer to retry.
     */
    private boolean refuseAsOwner(Message request, RingId resource, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (!peer.isResponsibleFor(resource)) {
            peer.replyError(request, path, ErrorCode.FORBIDDEN, "not responsible for " + resource.shortHex());
            return true;
        }
        if (sync.takingOver(resource)) {
            peer.replyError(request, path, ErrorCode.IN_PROGRESS, "taking over the range of "
                + resource.shortHex() + ", retry");
            return true;
        }
        return false;
    }

    /**
     * §10.4: a replica store must come from a plausible responsible peer, one of this peer's
     * predecessors (the replica set of a range is its owner's first successors). A peer that is
     * leaving refuses it: its hand-off may already have passed that key, so the copy would leave
     * with it; the owner asks the next successor instead.
     */
    private void onReplicaStore(Message request, StoreReq s, StoreKindData kd, Kind kind, SlotKey key,
                                ChordPeer.ReturnPath path, ChordPeer peer) {
        if (peer.state() == PeerState.DRAINING) {
            peer.replyError(request, path, ErrorCode.FORBIDDEN, "leaving: not a replica any more");
            return;
        }
        Optional<NodeId> sender = originator(request, path);
        if (sender.isEmpty() || !peer.predecessors().contains(sender.get())) {
            peer.replyError(request, path, ErrorCode.FORBIDDEN, "replica store from "
                + sender.map(NodeId::shortHex).orElse("an unknown peer") + ", not a predecessor");
            return;
        }
        List<Element> elements = new ArrayList<>();
        for (StoredData d : kd.values()) {
            elements.add(Element.of(kind.model(), d.toStoredValue()));
        }
        whenDone(storage.storeReplica(key, kd.generationCounter(), elements), request, path, peer,
            v -> {
                mirror(peer, new Slot(key, kd.generationCounter(), elements, Long.MAX_VALUE), () -> { });
                peer.respond(request, path, new StoreAns(List.of(
                    new StoreKindResponse(kd.kind(), kd.generationCounter(), List.of()))), List.of());
            });
    }

    /** Answers from whatever this peer holds: the responsible peer, or a replica asked directly. */
    private void onFetch(Message request, FetchReq f, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (f.specifiers().size() != 1) {
            peer.replyError(request, path, ErrorCode.INVALID_MESSAGE, "one kind per fetch");
            return;
        }
        long kindId = f.specifiers().get(0).kind();
        Optional<Kind> kind = storage.kind(kindId);
        if (kind.isEmpty()) {
            peer.replyError(request, path, ErrorCode.UNKNOWN_KIND, "unknown Kind-ID " + kindId);
            return;
        }
        whenDone(storage.fetch(new SlotKey(f.resource(), kindId)), request, path, peer, values -> {
            List<StoredData> data = new ArrayList<>();
            for (StoredValue v : values) {
                data.add(StoredData.of(v, kind.get().model()));
            }
            peer.respond(request, path, new FetchAns(List.of(new FetchKindResponse(kindId, 0, data))), List.of());
        });
    }

    private void onUpdate(Message request, SlotUpdateReq u, ChordPeer.ReturnPath path, ChordPeer peer) {
        Optional<Kind> kind = storage.kind(u.kind());
        if (kind.isEmpty()) {
            peer.replyError(request, path, ErrorCode.UNKNOWN_KIND, "unknown Kind-ID " + u.kind());
            return;
        }
        if (refuseAsOwner(request, u.resource(), path, peer)) {
            return;
        }
        SlotKey key = new SlotKey(u.resource(), u.kind());
        OwnerWrite w = ownerWrite(request, path, peer, kind.get(), (change, replicas) ->
            peer.respond(request, path, new SlotUpdateAns(change.slot().generation(), change.reply()), List.of()));
        track(storage.update(key, u.procedure(), u.argument(), c -> driver.execute(() -> w.applied(c))), w);
    }

    private void onSync(Message request, SyncReq s, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (s.op() instanceof DigestOp d) {
            whenDone(storage.digest(d.range(), d.buckets(), d.settledBefore()), request, path, peer,
                dg -> peer.respond(request, path, new SyncAns(new DigestResult(dg.hashes(), dg.counts())), List.of()));
        } else if (s.op() instanceof PullOp p) {
            if (p.mirrorMillis() > 0) {
                ChordPeer.senderRecord(request).ifPresent(joiner ->
                    sync.addMirror(joiner.id(), joiner.address(), p.range(), p.mirrorMillis()));
            }
            whenDone(storage.scan(p.range(), p.after(), p.maxSlots(), p.maxBytes()), request, path, peer,
                slots -> peer.respond(request, path, new SyncAns(new PullResult(slots, slots.size() < p.maxSlots()
                    && slots.stream().mapToLong(x -> x.size()).sum() < p.maxBytes())), List.of()));
        } else if (s.op() instanceof PushOp p) {
            whenDone(storage.merge(p.slots()), request, path, peer,
                n -> peer.respond(request, path, new SyncAns(new PushResult(n)), List.of()));
        }
    }

    private OwnerWrite ownerWrite(Message request, ChordPeer.ReturnPath path, ChordPeer peer, Kind kind,
                                  BiConsumer<SlotChange, List<NodeId>> answer) {
        return new OwnerWrite(peer, request, path, kind, replicator, (slot, then) -> mirror(peer, slot, then), answer);
    }

    /** Hands the owner's commit outcome to its write on the driver thread. */
    private void track(CompletableFuture<SlotChange> commit, OwnerWrite w) {
        commit.whenComplete((change, err) -> driver.execute(() -> {
            if (err != null) {
                w.failed(err);
            } else {
                w.committed(change);
            }
        }));
    }

    /**
     * Copies a change to the joiners pulling its range (see {@link RangeSync}) and runs then once
     * each has answered or failed, so a joiner holds every acknowledged write when it takes over.
     */
    private void mirror(ChordPeer peer, Slot slot, Runnable then) {
        List<RangeSync.MirrorTarget> to = sync.mirrorsFor(slot.key().resource());
        if (to.isEmpty()) {
            then.run();
            return;
        }
        int[] left = {to.size()};
        for (RangeSync.MirrorTarget n : to) {
            peer.requestDirect(n.id(), n.address(), new SyncReq(new PushOp(List.of(slot))),
                "mirror " + slot.key() + " to " + n.id().shortHex(), (ans, err) -> {
                    if (--left[0] == 0) {
                        then.run();
                    }
                });
        }
    }

    /** Runs the continuation on the driver thread, or answers the storage's refusal as a RELOAD error. */
    private <T> void whenDone(CompletableFuture<T> f, Message request, ChordPeer.ReturnPath path, ChordPeer peer,
                              Consumer<T> then) {
        f.whenComplete((v, err) -> driver.execute(() -> {
            if (err != null) {
                replyFailure(request, path, peer, err);
            } else {
                then.accept(v);
            }
        }));
    }

    /**
     * The peer that originated a request: the last entry of its return path when it names a node;
     * else the sender's own record the request carries. A request sent straight to this peer comes
     * on the sender's outbound connection, whose far end has no listen address here, so its
     * previous hop is only an opaque connection entry.
     */
    private static Optional<NodeId> originator(Message request, ChordPeer.ReturnPath path) {
        List<Destination> d = path.destinations();
        if (!d.isEmpty() && d.get(d.size() - 1) instanceof Destination.Node n) {
            return Optional.of(n.id());
        }
        for (MessageExtension e : request.extensions()) {
            if (e instanceof MessageExtension.PeerDirectory pd && !pd.records().isEmpty()) {
                return Optional.of(pd.records().get(0).id());
            }
        }
        return Optional.empty();
    }

    static void replyFailure(Message request, ChordPeer.ReturnPath path, ChordPeer peer, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof OverlayException.RemoteError re) {
            ErrorCode code = ErrorCode.of(re.errorCode()).orElse(ErrorCode.INVALID_MESSAGE);
            peer.replyError(request, path, code, re.getMessage());
        } else if (cause instanceof OverlayException.Overloaded o) {
            peer.replyError(request, path, ErrorCode.IN_PROGRESS, "overloaded: " + o.getMessage());
        } else {
            peer.replyError(request, path, ErrorCode.INVALID_MESSAGE, "storage failed");
        }
    }
}
