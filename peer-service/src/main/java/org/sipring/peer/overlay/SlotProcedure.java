package org.sipring.peer.overlay;

import java.util.List;

/**
 * A read-modify-write of one slot that the responsible peer applies in one step (the overlay's
 * atomic update). Registered by name at every peer; a caller names it and passes an argument, and
 * the responsible peer runs it on the storage thread against the slot's live values, then stores
 * the writes as an original store would (stamping storage_time, raising the generation). Two
 * updates of one slot never interleave. Must be deterministic and must not block.
 */
@FunctionalInterface
public interface SlotProcedure {

    Outcome apply(List<StoredValue> current, byte[] argument, long now);

    /**
     * @param writes values to store (a value with exists == false deletes its entry); none leaves
     *               the slot as it was
     * @param reply  what the caller gets back
     */
    record Outcome(List<StoredValue> writes, byte[] reply) {
        public Outcome {
            writes = List.copyOf(writes);
            reply = reply.clone();
        }

        @Override
        public byte[] reply() {
            return reply.clone();
        }
    }
}
