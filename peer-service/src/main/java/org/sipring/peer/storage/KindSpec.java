package org.sipring.peer.storage;

import org.sipring.peer.overlay.Kind;

/**
 * A kind this overlay stores, with its limits (RFC 6940 §7.4.5 kind configuration: max-count and
 * max-size). A store that would exceed a limit is refused with Error_Data_Too_Large, never
 * truncated.
 *
 * @param maxCount live elements a slot may hold
 * @param maxSize  bytes one element's value may have
 */
public record KindSpec(Kind kind, int maxCount, int maxSize) {

    public KindSpec {
        if (maxCount < 1 || maxSize < 0) {
            throw new IllegalArgumentException("maxCount must be positive and maxSize not negative");
        }
    }

    public long id() {
        return kind.id();
    }
}
