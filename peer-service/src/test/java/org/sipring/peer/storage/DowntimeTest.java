package org.sipring.peer.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.ResourceId;

/** A store out of service for longer than half the tombstone retention is emptied before the peer joins. */
class DowntimeTest {

    private static final Duration RETENTION = Duration.ofHours(24);
    private static final long NOW = 1_800_000_000_000L;
    private static final int SLOTS = 25_000;

    private final InMemoryDataStore disk = new InMemoryDataStore();

    private void fill() {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            ResourceId r = ResourceId.ofName("aor-" + i);
            slots.add(new Slot(new SlotKey(r, 0xf0000003L), 1, List.of(new Element(
                "k".getBytes(StandardCharsets.UTF_8), NOW - 86_400_000L, 7 * 86_400, true,
                "v".getBytes(StandardCharsets.UTF_8))), NOW + 86_400_000L));
        }
        disk.commit(slots, List.of());
    }

    @Test
    void aStoreThatNeverRecordedItsTimeInServiceKeepsItsDataAndStartsRecording() {
        fill();
        assertThat(Downtime.checkAtStart(disk, NOW, RETENTION)).isZero();
        assertThat(disk.stats().slots()).isEqualTo(SLOTS);
        assertThat(disk.aliveAt()).hasValue(NOW);
    }

    @Test
    void aStoreDownForLessThanHalfTheRetentionKeepsItsData() {
        fill();
        disk.markAlive(NOW - Duration.ofHours(11).toMillis());
        assertThat(Downtime.checkAtStart(disk, NOW, RETENTION)).isZero();
        assertThat(disk.stats().slots()).isEqualTo(SLOTS);
        assertThat(disk.aliveAt()).hasValue(NOW);
    }

    @Test
    void aStoreDownForLongerIsEmptiedWithItsPurgeIndex() {
        fill();
        disk.markAlive(NOW - Duration.ofHours(13).toMillis());
        assertThat(Downtime.checkAtStart(disk, NOW, RETENTION)).isEqualTo(SLOTS);
        assertThat(disk.stats().slots()).isZero();
        assertThat(disk.stats().elements()).isZero();
        assertThat(disk.duePurge(Long.MAX_VALUE, 10)).isEmpty();
        assertThat(disk.aliveAt()).hasValue(NOW);
    }
}
