package org.sipring.peer.storage;

import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Slot;

/**
 * A 64-bit hash of a slot's replicated content for anti-entropy digests: its key, generation and
 * each element's name, storage_time, lifetime, existence and value. The same content gives the
 * same hash on every peer; a local purge time never enters it.
 */
final class SlotHash {

    private static final long SEED = 0x9e3779b97f4a7c15L;

    private SlotHash() {
    }

    static long of(Slot s) {
        long h = SEED;
        h = mix(h, s.key().resource().hi());
        h = mix(h, s.key().resource().lo());
        h = mix(h, s.key().kindId());
        h = mix(h, s.generation());
        for (Element e : s.elements()) {
            h = bytes(h, e.name());
            h = mix(h, e.storageTime());
            h = mix(h, e.lifetime() << 1 | (e.exists() ? 1 : 0));
            h = bytes(h, e.value());
        }
        return fmix(h);
    }

    private static long bytes(long h, byte[] b) {
        h = mix(h, b.length);
        long w = 0;
        for (int i = 0; i < b.length; i++) {
            w = w << 8 | (b[i] & 0xff);
            if ((i & 7) == 7) {
                h = mix(h, w);
                w = 0;
            }
        }
        return mix(h, w);
    }

    private static long mix(long h, long v) {
        return Long.rotateLeft(h ^ fmix(v + SEED), 27) * 5 + 0x52dce729;
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
