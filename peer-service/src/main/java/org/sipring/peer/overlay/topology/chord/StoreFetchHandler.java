package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.KindModels;
import org.sipring.peer.overlay.message.Message;
import org.sipring.peer.overlay.message.MessageBody;
import org.sipring.peer.overlay.message.MessageBody.FetchAns;
import org.sipring.peer.overlay.message.MessageBody.FetchKindResponse;
import org.sipring.peer.overlay.message.MessageBody.FetchReq;
import org.sipring.peer.overlay.message.MessageBody.StoreAns;
import org.sipring.peer.overlay.message.MessageBody.StoreKindData;
import org.sipring.peer.overlay.message.MessageBody.StoreKindResponse;
import org.sipring.peer.overlay.message.MessageBody.StoreReq;
import org.sipring.peer.overlay.message.MessageBody.StoredData;
import org.sipring.peer.overlay.message.MessageBody.StoredDataSpecifier;

/**
 * Store and Fetch (RFC 6940 §7.4) between the overlay and the local storage port: originates them
 * for the {@link org.sipring.peer.overlay.Overlay} API and serves them when routing brings one to
 * the responsible peer. Storage futures complete on storage threads; their results are handed
 * back to the driver thread before the state machine is touched.
 *
 * <p>One StoreReq carries one kind here; replication and multi-kind atomicity belong to the
 * storage layer.
 */
final class StoreFetchHandler implements ChordPeer.RequestHandler {

    private final LocalStorage storage;
    private final KindModels kinds;
    private final Executor driver;

    StoreFetchHandler(LocalStorage storage, KindModels kinds, Executor driver) {
        this.storage = storage;
        this.kinds = kinds;
        this.driver = driver;
    }

    @Override
    public boolean handle(Message request, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (request.body() instanceof StoreReq s) {
            onStore(request, s, path, peer);
            return true;
        }
        if (request.body() instanceof FetchReq f) {
            onFetch(request, f, path, peer);
            return true;
        }
        return false;
    }

    private void onStore(Message request, StoreReq s, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (s.replicaNumber() == 0 && !peer.isResponsibleFor(s.resource())) {
            // §7.4.1.1: a peer never keeps an original store for a resource it is not responsible for
            peer.replyError(request, path, ErrorCode.FORBIDDEN, "not responsible for " + s.resource().shortHex());
            return;
        }
        if (storage == null || s.kindData().size() != 1) {
            peer.replyError(request, path, ErrorCode.INVALID_MESSAGE,
                storage == null ? "this peer stores nothing" : "one kind per store");
            return;
        }
        StoreKindData kd = s.kindData().get(0);
        Kind kind = kindOf(kd.kind());
        List<StoredValue> values = new ArrayList<>();
        for (StoredData d : kd.values()) {
            values.add(d.toStoredValue());
        }
        storage.store(s.resource(), s.replicaNumber(), kind, kd.generationCounter(), values)
            .whenComplete((result, err) -> driver.execute(() -> {
                if (err != null) {
                    replyFailure(request, path, peer, err);
                } else {
                    peer.respond(request, path, new StoreAns(List.of(
                        new StoreKindResponse(kind.id(), result.generation(), result.replicas()))), List.of());
                }
            }));
    }

    private void onFetch(Message request, FetchReq f, ChordPeer.ReturnPath path, ChordPeer peer) {
        if (storage == null || f.specifiers().size() != 1) {
            peer.replyError(request, path, ErrorCode.INVALID_MESSAGE,
                storage == null ? "this peer stores nothing" : "one kind per fetch");
            return;
        }
        StoredDataSpecifier spec = f.specifiers().get(0);
        Kind kind = kindOf(spec.kind());
        storage.fetch(f.resource(), kind).whenComplete((values, err) -> driver.execute(() -> {
            if (err != null) {
                replyFailure(request, path, peer, err);
                return;
            }
            List<StoredData> data = new ArrayList<>();
            for (StoredValue v : values) {
                data.add(StoredData.of(v, kind.model()));
            }
            peer.respond(request, path, new FetchAns(List.of(new FetchKindResponse(kind.id(), 0, data))), List.of());
        }));
    }

    private Kind kindOf(long id) {
        DataModel model = kinds.modelOf(id).orElse(DataModel.SINGLE);
        return new Kind(id, "kind-" + id, model);
    }

    private static void replyFailure(Message request, ChordPeer.ReturnPath path, ChordPeer peer, Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof OverlayException.RemoteError re) {
            ErrorCode code = ErrorCode.of(re.errorCode()).orElse(ErrorCode.INVALID_MESSAGE);
            peer.replyError(request, path, code, re.getMessage());
        } else {
            peer.replyError(request, path, ErrorCode.INVALID_MESSAGE, "storage failed");
        }
    }

    void store(ChordPeer peer, ResourceId resource, Kind kind, List<StoredValue> values,
               CompletableFuture<StoreResult> done) {
        List<StoredData> data = new ArrayList<>();
        for (StoredValue v : values) {
            data.add(StoredData.of(v, kind.model()));
        }
        StoreReq req = new StoreReq(resource, 0, List.of(new StoreKindData(kind.id(), 0, data)));
        peer.request(List.of(new Destination.Resource(resource)), req, "store " + resource.shortHex(), (ans, err) -> {
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

    void fetch(ChordPeer peer, ResourceId resource, Kind kind, CompletableFuture<List<StoredValue>> done) {
        FetchReq req = new FetchReq(resource, List.of(specifierFor(kind)));
        peer.request(List.of(new Destination.Resource(resource)), req, "fetch " + resource.shortHex(), (ans, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
            } else if (ans.body() instanceof FetchAns fa) {
                List<StoredValue> out = new ArrayList<>();
                for (FetchKindResponse r : fa.kindResponses()) {
                    for (StoredData d : r.values()) {
                        out.add(d.toStoredValue());
                    }
                }
                done.complete(out);
            } else {
                done.completeExceptionally(unexpected(ans));
            }
        });
    }

    private static StoredDataSpecifier specifierFor(Kind kind) {
        return switch (kind.model()) {
            case SINGLE -> new MessageBody.SingleSpecifier(kind.id(), 0);
            case ARRAY -> new MessageBody.ArraySpecifier(kind.id(), 0, List.of());
            case DICTIONARY -> new MessageBody.DictionarySpecifier(kind.id(), 0, List.of());
        };
    }

    private static OverlayException unexpected(Message ans) {
        return new OverlayException.RemoteError(ErrorCode.INVALID_MESSAGE.value(), "unexpected answer " + ans.code());
    }
}
