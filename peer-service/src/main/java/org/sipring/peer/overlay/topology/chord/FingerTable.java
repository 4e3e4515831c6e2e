package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.sipring.peer.overlay.id.NodeId;

/**
 * The chord-reload finger table (RFC 6940 §10.3, §10.7.4.2). Finger 0 targets the point 180
 * degrees around the ring, self + 2^127. Finger i (i >= 1) targets a point chosen at random in
 * [self + 2^(128-i), self + 2^(128-(i-1)) - 1], and holds the peer responsible for that point.
 */
final class FingerTable {

    private final NodeId self;
    private final NodeId[] targets;
    private final NodeId[] entries;

    FingerTable(NodeId self, int size, RandomGenerator random) {
        this.self = self;
        this.targets = new NodeId[size];
        this.entries = new NodeId[size];
        for (int i = 0; i < size; i++) {
            targets[i] = randomTarget(self, i, random);
        }
    }

    /** A target for finger i as §10.3 and §10.7.4.2 define it. */
    static NodeId randomTarget(NodeId self, int i, RandomGenerator random) {
        if (i == 0) {
            return self.plusPowerOfTwo(127);
        }
        int widthBits = 128 - i; // the range holds 2^(128-i) points
        long hi = 0;
        long lo = random.nextLong();
        if (widthBits > 64) {
            hi = random.nextLong() & ((1L << (widthBits - 64)) - 1);
        } else if (widthBits < 64) {
            lo &= (1L << widthBits) - 1;
        }
        return self.plusPowerOfTwo(128 - i).plus(hi, lo);
    }

    int size() {
        return targets.length;
    }

    NodeId target(int i) {
        return targets[i];
    }

    void retarget(int i, RandomGenerator random) {
        targets[i] = randomTarget(self, i, random);
    }

    void set(int i, NodeId peer) {
        entries[i] = peer;
    }

    Optional<NodeId> get(int i) {
        return Optional.ofNullable(entries[i]);
    }

    /** Drops a departed peer from every finger it held. */
    void remove(NodeId peer) {
        for (int i = 0; i < entries.length; i++) {
            if (peer.equals(entries[i])) {
                entries[i] = null;
            }
        }
    }

    /** Distinct peers held, in finger order. */
    List<NodeId> distinctPeers() {
        LinkedHashSet<NodeId> s = new LinkedHashSet<>();
        for (NodeId n : entries) {
            if (n != null && !n.equals(self)) {
                s.add(n);
            }
        }
        return new ArrayList<>(s);
    }
}
