package org.sipring.peer.overlay.topology.chord.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when the simulation says so. */
public final class ManualClock extends Clock {

    private long millis;

    public ManualClock(long startMillis) {
        this.millis = startMillis;
    }

    public void set(long newMillis) {
        if (newMillis < millis) {
            throw new IllegalArgumentException("time runs forward only");
        }
        millis = newMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
