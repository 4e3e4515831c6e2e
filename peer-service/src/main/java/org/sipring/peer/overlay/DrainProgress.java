package org.sipring.peer.overlay;

/**
 * How far a drain (a leave that first hands this peer's data over) has come.
 *
 * @param slotsMoved slots pushed to the peers that take the data over
 * @param bytesMoved their bytes
 * @param slotsTotal slots this peer held when the drain started
 * @param handedOver true once every slot has been handed over (the Leaves go out next)
 */
public record DrainProgress(long slotsMoved, long bytesMoved, long slotsTotal, boolean handedOver) {

    public static final DrainProgress NONE = new DrainProgress(0, 0, 0, false);
}
