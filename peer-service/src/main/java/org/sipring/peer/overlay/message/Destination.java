package org.sipring.peer.overlay.message;

import java.util.Arrays;
import java.util.HexFormat;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;

/** An entry of a Destination or Via list (RFC 6940 §6.3.2.2). */
public sealed interface Destination {

    /** DestinationType node(1): a Node-ID. */
    record Node(NodeId id) implements Destination {
        @Override
        public String toString() {
            return "node:" + id.shortHex();
        }
    }

    /** DestinationType resource(2): a Resource-ID (16 bytes in chord-reload). */
    record Resource(ResourceId id) implements Destination {
        @Override
        public String toString() {
            return "resource:" + id.shortHex();
        }
    }

    /**
     * DestinationType opaque_id_type(3): a value only its creator interprets (§6.1.3, list
     * compression). Peers use it to stand for a link whose remote Node-ID they do not know.
     */
    record Opaque(byte[] value) implements Destination {
        public Opaque {
            value = value.clone();
        }

        @Override
        public byte[] value() {
            return value.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Opaque other && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "opaque:" + HexFormat.of().formatHex(value);
        }
    }
}
