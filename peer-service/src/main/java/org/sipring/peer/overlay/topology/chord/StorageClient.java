package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.FetchAns;
import org.sipring.peer.overlay.message.MessageBody.FetchKindResponse;
import org.sipring.peer.overlay.message.MessageBody.FetchReq;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateAns;
import org.sipring.peer.overlay.message.MessageBody.SlotUpdateReq;
import org.sipring.peer.overlay.message.MessageBody.StoreAns;
import org.sipring.peer.overlay.message.MessageBody.StoreKindData;
import org.sipring.peer.overlay.message.MessageBody.StoreKindResponse;
import org.sipring.peer.overlay.message.MessageBody.StoreReq;
import org.sipring.peer.overlay.message.MessageBody.StoredData;
import org.sipring.peer.overlay.message.MessageBody.StoredDataSpecifier;

/**
 * Originates Store, Fetch and slot updates for the {@link org.sipring.peer.overlay.Overlay} API.
 * Transient refusals (the responsible peer is taking a range over, a replica did not confirm, a
 * queue was full, the ring was changing under the request) are retried with back-off for up to
 * {@link #ATTEMPTS} attempts. A Fetch the responsible peer cannot answer goes to the replicas
 * directly (§10.4: they hold the same data).
 */
public final class StorageClient {

    static final int ATTEMPTS = 8;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 1_000;
    private static final Set<ErrorCode> RETRYABLE = Set.of(ErrorCode.IN_PROGRESS, ErrorCode.REQUEST_TIMEOUT,
        ErrorCode.FORBIDDEN, ErrorCode.NOT_FOUND);

    /** Runs a task on the driver thread after a delay. */
    public interface Scheduler {
        void schedule(long delayMillis, Runnable task);
    }

    private final Scheduler scheduler;

    public StorageClient(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    public void store(ChordPeer peer, ResourceId resource, Kind kind, List<StoredValue> values,
               CompletableFuture<StoreResult> done) {
        List<StoredData> data = new ArrayList<>();
        for (StoredValue v : values) {
            data.add(StoredData.of(v, kind.model()));
        }
        StoreReq req = new StoreReq(resource, 0, List.of(new StoreKindData(kind.id(), 0, data)));
        attempt(peer, resource, req, "store " + resource.shortHex(), 0, (ans, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            } else if (ans.body() instanceof StoreAns sa && !sa.kindResponses().isEmpty()) {
                StoreKindResponse r = sa.kindResponses().get(0);
                done.complete(new StoreResult(r.generationCounter(), r.replicas()));
            } else {
                done.completeExceptionally(unexpected(ans));
            }
        });
    }

    public void update(ChordPeer peer, ResourceId resource, Kind kind, String procedure, byte[] argument,
                CompletableFuture<UpdateResult> done) {
        SlotUpdateReq req = new SlotUpdateReq(resource, kind.id(), procedure, argument);
        attempt(peer, resource, req, procedure + " " + resource.shortHex(), 0, (ans, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            } else if (ans.body() instanceof SlotUpdateAns ua) {
                done.complete(new UpdateResult(ua.generation(), ua.reply()));
            } else {
                done.completeExceptionally(unexpected(ans));
            }
        });
    }

    public void fetch(ChordPeer peer, ResourceId resource, Kind kind, CompletableFuture<List<StoredValue>> done) {
        FetchReq req = new FetchReq(resource, List.of(specifierFor(kind)));
        peer.request(List.of(new Destination.Resource(resource)), req, "fetch " + resource.shortHex(), (ans, err) -> {
            List<StoredValue> values = err == null ? valuesOf(ans) : null;
            if (values != null) {
                done.complete(values);
            } else {
                fetchFromReplicas(peer, req, peer.replicaSet(resource, 1 + Replicator.REPLICAS), 0,
                    err != null ? err : unexpected(ans), done);
            }
        });
    }

    /** Asks the replica set one peer after the other until one answers. */
    private void fetchFromReplicas(ChordPeer peer, FetchReq req, List<NodeId> candidates, int i,
                                   OverlayException last, CompletableFuture<List<StoredValue>> done) {
        if (i >= candidates.size()) {
            done.completeExceptionally(last);
            return;
        }
        NodeId to = candidates.get(i);
        peer.request(List.of(new Destination.Node(to)), req, "fetch from replica " + to.shortHex(), (ans, err) -> {
            List<StoredValue> values = err == null ? valuesOf(ans) : null;
            if (values != null) {
                done.complete(values);
            } else {
                fetchFromReplicas(peer, req, candidates, i + 1, err != null ? err : unexpected(ans), done);
            }
        });
    }

    private void attempt(ChordPeer peer, ResourceId resource, MessageBody req, String what, int n,
                         BiConsumer<Message, OverlayException> done) {
        peer.request(List.of(new Destination.Resource(resource)), req, what, (ans, err) -> {
            boolean retry = err instanceof OverlayException.Timeout
                || err instanceof OverlayException.RemoteError re
                && ErrorCode.of(re.errorCode()).map(RETRYABLE::contains).orElse(false);
            if (retry && n + 1 < ATTEMPTS) {
                long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << n);
                scheduler.schedule(backoff, () -> attempt(peer, resource, req, what, n + 1, done));
            } else {
                done.accept(ans, err);
            }
        });
    }

    private static List<StoredValue> valuesOf(Message ans) {
        if (!(ans.body() instanceof FetchAns fa)) {
            return null;
        }
        List<StoredValue> out = new ArrayList<>();
        for (FetchKindResponse r : fa.kindResponses()) {
            for (StoredData d : r.values()) {
                out.add(d.toStoredValue());
            }
        }
        return out;
    }

    private static StoredDataSpecifier specifierFor(Kind kind) {
        return switch (kind.model()) {
            case SINGLE -> new MessageBody.SingleSpecifier(kind.id(), 0);
            case ARRAY -> new MessageBody.ArraySpecifier(kind.id(), 0, List.of());
            case DICTIONARY -> new MessageBody.DictionarySpecifier(kind.id(), 0, List.of());
        };
    }

    private static OverlayException unexpected(Message ans) {
        if (ans != null && ans.body() instanceof MessageBody.Error e) {
            return new OverlayException.RemoteError(e.errorCode().value(), e.toString());
        }
        return new OverlayException.RemoteError(ErrorCode.INVALID_MESSAGE.value(),
            "unexpected answer " + (ans == null ? "none" : ans.code()));
    }
}
