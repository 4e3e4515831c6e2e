package org.sipring.peer.overlay;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.sipring.peer.overlay.id.IdInterval;

/**
 * The storage port the overlay hands storage work to once routing has brought a request to this
 * peer (RFC 6940 §7), and that replication and range moves read from and merge into.
 * Implementations do their disk work off the overlay thread and complete the futures when the
 * change is durable; a refusal completes exceptionally with {@link OverlayException.RemoteError}
 * carrying the RELOAD error code, a full queue with {@link OverlayException.Overloaded}.
 */
public interface LocalStorage {

    /** The kind registered under a Kind-ID, if this peer stores it. */
    Optional<Kind> kind(long kindId);

    /**
     * An original store at the responsible peer (§7.4.1, replica_number 0): checks the
     * generation and the kind's limits, stamps storage_time, commits.
     *
     * @param expectedGeneration 0 for none, else the generation the writer read
     */
    default CompletableFuture<SlotChange> store(SlotKey key, long expectedGeneration, List<StoredValue> values) {
        return store(key, expectedGeneration, values, change -> { });
    }

    /**
     * {@link #store(SlotKey, long, List)} that also reports the change as soon as it is decided,
     * before it is durable, so the owner can send it to its replicas while its own commit runs.
     *
     * @param applied called on the storage thread once the change is applied to the open batch
     *                (later operations read it), before the commit; never for a refused store.
     *                The returned future may still fail if the commit does.
     */
    CompletableFuture<SlotChange> store(SlotKey key, long expectedGeneration, List<StoredValue> values,
                                        Consumer<SlotChange> applied);

    /** Runs a registered {@link SlotProcedure} on one slot as one atomic read-modify-write. */
    default CompletableFuture<SlotChange> update(SlotKey key, String procedure, byte[] argument) {
        return update(key, procedure, argument, change -> { });
    }

    /** {@link #update(SlotKey, String, byte[])} reporting the decided change before its commit, as for store. */
    CompletableFuture<SlotChange> update(SlotKey key, String procedure, byte[] argument, Consumer<SlotChange> applied);

    /**
     * A replica store (§7.4.1.1, replica_number &gt; 0) of elements the responsible peer stamped;
     * refused with Error_Data_Too_Old when older than what is held.
     */
    CompletableFuture<Void> storeReplica(SlotKey key, long generation, List<Element> elements);

    /** Merges copies from another peer by the RELOAD rules; completes with how many slots changed. */
    CompletableFuture<Integer> merge(List<Slot> slots);

    /**
     * Removes the slots of a list that are still as they were handed over (same key, generation
     * and elements), once the peer that should hold them has merged them; a slot changed since is
     * kept. Completes with how many were removed.
     */
    CompletableFuture<Integer> forget(List<Slot> handedOver);

    /** Every live value of one slot (§7.4.2). */
    CompletableFuture<List<StoredValue>> fetch(SlotKey key);

    /** Slots of a range in ring order after a cursor, at most maxSlots and about maxBytes. */
    CompletableFuture<List<Slot>> scan(IdInterval range, SlotKey after, int maxSlots, int maxBytes);

    /** Digests of a range split into equal arcs, over slots settled before a time. */
    CompletableFuture<RangeDigest> digest(IdInterval range, int buckets, long settledBefore);

    /**
     * The outcome of a store or update at the responsible peer.
     *
     * @param slot    the whole slot after the change (its generation is the new counter)
     * @param written the elements this change wrote, as replicas must store them
     * @param reply   the procedure's reply (empty for a plain store)
     */
    record SlotChange(Slot slot, List<Element> written, byte[] reply) {
        public SlotChange {
            written = List.copyOf(written);
            reply = reply.clone();
        }

        @Override
        public byte[] reply() {
            return reply.clone();
        }
    }

    /** One hash and one slot count per equal arc of a range. */
    record RangeDigest(List<Long> hashes, List<Long> counts) {
        public RangeDigest {
            hashes = List.copyOf(hashes);
            counts = List.copyOf(counts);
        }
    }
}
