package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.sipring.peer.overlay.ForwardingLocalStorage;
import org.sipring.peer.overlay.LocalStorage;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.StoredValue;

/**
 * A {@link LocalStorage} that passes everything to another one, except that while {@link #hold}
 * is set the outcome of each original store or update is kept back (the change is applied and
 * reported as decided at once) until the test completes or fails it: an owner's commit that is
 * still running.
 */
final class HeldCommitStorage extends ForwardingLocalStorage {

    /** One commit outcome kept back: the real one, and the one the caller sees. */
    record Held(CompletableFuture<SlotChange> real, CompletableFuture<SlotChange> seen) {
        /** Lets the caller see the real outcome. */
        void release() {
            real.whenComplete((v, err) -> {
                if (err != null) {
                    seen.completeExceptionally(err);
                } else {
                    seen.complete(v);
                }
            });
        }

        /** Makes the caller see a failed commit. */
        void fail(Throwable err) {
            seen.completeExceptionally(err);
        }
    }

    /** The held commit outcomes, oldest first. */
    final List<Held> held = new ArrayList<>();
    boolean hold;

    HeldCommitStorage(LocalStorage inner) {
        super(inner);
    }

    private CompletableFuture<SlotChange> maybeHold(CompletableFuture<SlotChange> committed) {
        if (!hold) {
            return committed;
        }
        Held h = new Held(committed, new CompletableFuture<>());
        held.add(h);
        return h.seen();
    }

    @Override
    public CompletableFuture<SlotChange> store(SlotKey key, long expectedGeneration, List<StoredValue> values,
                                               Consumer<SlotChange> applied) {
        return maybeHold(inner.store(key, expectedGeneration, values, applied));
    }

    @Override
    public CompletableFuture<SlotChange> update(SlotKey key, String procedure, byte[] argument,
                                                Consumer<SlotChange> applied) {
        return maybeHold(inner.update(key, procedure, argument, applied));
    }
}
