package org.sipring.peer.overlay;

/**
 * The outcome of an atomic slot update ({@link Overlay#update}).
 *
 * @param generation the slot's generation counter after the update
 * @param reply      what the {@link SlotProcedure} returned
 */
public record UpdateResult(long generation, byte[] reply) {

    public UpdateResult {
        reply = reply.clone();
    }

    @Override
    public byte[] reply() {
        return reply.clone();
    }
}
