package org.sipring.peer.overlay;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.sipring.peer.overlay.id.IdInterval;

/** A {@link LocalStorage} that passes every call to another; tests override the calls they watch or hold. */
public abstract class ForwardingLocalStorage implements LocalStorage {

    protected final LocalStorage inner;

    protected ForwardingLocalStorage(LocalStorage inner) {
        this.inner = inner;
    }

    @Override
    public Optional<Kind> kind(long kindId) {
        return inner.kind(kindId);
    }

    @Override
    public CompletableFuture<SlotChange> store(SlotKey key, long expectedGeneration, List<StoredValue> values,
                                               Consumer<SlotChange> applied) {
        return inner.store(key, expectedGeneration, values, applied);
    }

    @Override
    public CompletableFuture<SlotChange> update(SlotKey key, String procedure, byte[] argument,
                                                Consumer<SlotChange> applied) {
        return inner.update(key, procedure, argument, applied);
    }

    @Override
    public CompletableFuture<Void> storeReplica(SlotKey key, long generation, List<Element> elements) {
        return inner.storeReplica(key, generation, elements);
    }

    @Override
    public CompletableFuture<Integer> merge(List<Slot> slots) {
        return inner.merge(slots);
    }

    @Override
    public CompletableFuture<Integer> forget(List<Slot> handedOver) {
        return inner.forget(handedOver);
    }

    @Override
    public CompletableFuture<List<StoredValue>> fetch(SlotKey key) {
        return inner.fetch(key);
    }

    @Override
    public CompletableFuture<List<Slot>> scan(IdInterval range, SlotKey after, int maxSlots, int maxBytes) {
        return inner.scan(range, after, maxSlots, maxBytes);
    }

    @Override
    public CompletableFuture<RangeDigest> digest(IdInterval range, int buckets, long settledBefore) {
        return inner.digest(range, buckets, settledBefore);
    }
}
