package org.sipring.peer.storage.bdb;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.ResourceId;
import org.sipring.peer.storage.Durability;

/**
 * Run in its own JVM by {@link BdbKillDurabilityTest}: opens a store in the directory given as
 * the argument with write-no-sync commits and no background fsync, then commits {@link #slot}(0),
 * (1), ... one per transaction and prints {@code acked N} after commit N returns, until it is
 * killed (or after a minute, so a forgotten probe ends by itself).
 */
public final class DurabilityProbeMain {

    private static final long GIVE_UP_NANOS = Duration.ofMinutes(1).toNanos();

    private DurabilityProbeMain() {
    }

    /** The slot committed as number i; the test rebuilds it to check what survived. */
    static Slot slot(long i) {
        byte[] value = ("contact sip:user" + i + "@192.0.2.1:5060;expires=3600 ").repeat(3)
            .getBytes(StandardCharsets.UTF_8);
        return new Slot(new SlotKey(ResourceId.ofName("probe " + i), i % 4), i,
            List.of(new Element(new byte[] {(byte) (i >>> 8), (byte) i}, 1_700_000_000_000L + i, 3600, true, value)),
            1_700_003_600_000L + i);
    }

    public static void main(String[] args) {
        BdbSettings settings = new BdbSettings(Path.of(args[0]), Durability.WRITE_NO_SYNC, Duration.ZERO, 4L << 20);
        long started = System.nanoTime();
        try (BdbDataStore store = BdbDataStore.open(settings)) {
            for (long i = 0; System.nanoTime() - started < GIVE_UP_NANOS; i++) {
                store.commit(List.of(slot(i)), List.of());
                System.out.println("acked " + i);
                System.out.flush();
            }
        }
    }
}
