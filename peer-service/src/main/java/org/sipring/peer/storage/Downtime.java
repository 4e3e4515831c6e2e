package org.sipring.peer.storage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.IdInterval;
import org.sipring.peer.overlay.id.ResourceId;

/**
 * How long a store may have been out of service and still rejoin with its data. Deletion markers
 * live for the tombstone retention (RFC 6940 §7 deletes by storing exists=false); a peer that
 * was down for longer could hold live values whose deletion markers are gone from the ring, and
 * anti-entropy would spread them again. So a store last in service more than half the retention
 * ago (the other half covers the rejoin, the repairs after it and clock skew) is emptied before
 * the peer joins, which then pulls the range it holds afresh from the ring.
 */
public final class Downtime {

    private static final System.Logger LOG = System.getLogger(Downtime.class.getName());
    private static final int CHUNK = 10_000;
    private static final IdInterval WHOLE_RING = IdInterval.openClosed(new ResourceId(0, 0), new ResourceId(0, 0));

    private Downtime() {
    }

    /**
     * At start, before the peer joins: empties the store when it was last in service more than
     * half the retention before now, then records now as in service.
     *
     * @return how many slots were discarded
     */
    public static long checkAtStart(DataStore disk, long now, Duration tombstoneRetention) {
        OptionalLong last = disk.aliveAt();
        long discarded = 0;
        if (last.isPresent() && now - last.getAsLong() > tombstoneRetention.toMillis() / 2) {
            Duration down = Duration.ofMillis(now - last.getAsLong());
            discarded = discardAll(disk);
            LOG.log(Level.WARNING, "this store was last in service {0} ago, more than half the tombstone retention "
                + "({1}): discarded its {2} slots, the join brings the current copies", down, tombstoneRetention,
                discarded);
        }
        disk.markAlive(now);
        return discarded;
    }

    private static long discardAll(DataStore disk) {
        long n = 0;
        for (List<Slot> chunk = disk.scan(WHOLE_RING, null, CHUNK); !chunk.isEmpty();
             chunk = disk.scan(WHOLE_RING, null, CHUNK)) {
            disk.commit(List.of(), chunk.stream().map(Slot::key).toList());
            n += chunk.size();
        }
        return n;
    }
}
