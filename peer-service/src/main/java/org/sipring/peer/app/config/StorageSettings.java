package org.sipring.peer.app.config;

import java.time.Duration;
import org.sipring.peer.overlay.topology.chord.RangeSync;
import org.sipring.peer.storage.StorageService;
import org.sipring.peer.storage.bdb.BdbSettings;

/**
 * The storage configuration as typed values.
 *
 * @param bdb                the JE environment (directory, durability, flush interval, cache)
 * @param service            the storage thread's queue and group-commit batch
 * @param tombstoneRetention how long deletion markers are kept at least
 * @param maxValues          values per resource and kind
 * @param maxValueSize       bytes per value
 * @param sync               range moves and anti-entropy (repair interval, grace period, batches)
 */
public record StorageSettings(BdbSettings bdb, StorageService.Settings service, Duration tombstoneRetention,
                              int maxValues, int maxValueSize, RangeSync.Settings sync) {
}
