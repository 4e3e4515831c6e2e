package org.sipring.peer.overlay.message;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;

/**
 * A MessageExtension (RFC 6940 §6.3.3). This overlay defines one non-critical extension, the peer
 * directory, which peers that do not know it ignore (§6.3.3: critical=false).
 */
public sealed interface MessageExtension {

    int type();

    boolean critical();

    /** An extension this peer does not understand, kept as bytes. */
    record Unknown(int type, boolean critical, byte[] contents) implements MessageExtension {
        public Unknown {
            if (type < 0 || type > 0xffff) {
                throw new IllegalArgumentException("extension type must be a uint16: " + type);
            }
            contents = contents.clone();
        }

        @Override
        public byte[] contents() {
            return contents.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && type == u.type && critical == u.critical
                && Arrays.equals(contents, u.contents);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * type + Boolean.hashCode(critical)) + Arrays.hashCode(contents);
        }

        @Override
        public String toString() {
            return String.format("Unknown[type=0x%04x, critical=%s, %s]", type, critical,
                HexFormat.of().formatHex(contents));
        }
    }

    /**
     * Peer directory (type 0xe001, never critical). Contents on the wire:
     * {@code PeerRecord records<0..2^16-1>}, each record
     * {@code {NodeId id; IpAddressPort address; uint64 incarnation; uint8 status}} (docs/protocol.md).
     *
     * <p>Peer directory: membership records with their link addresses, so peers learn the whole
     * overlay and reach a responsible peer in one hop. Type {@value #TYPE} (from the range this
     * overlay reserves; see docs/protocol.md).
     */
    record PeerDirectory(List<PeerRecord> records) implements MessageExtension {
        public static final int TYPE = 0xe001;

        public PeerDirectory {
            records = List.copyOf(records);
        }

        public int type() {
            return TYPE;
        }

        public boolean critical() {
            return false;
        }
    }

    /**
     * One membership record. Incarnation orders records of one Node-ID: a higher incarnation wins;
     * at equal incarnation a LEFT or FAILED record wins over ALIVE.
     */
    record PeerRecord(NodeId id, PeerAddress address, long incarnation, PeerStatus status) {
    }

    enum PeerStatus {
        ALIVE(1), LEFT(2), FAILED(3);

        public final int value;

        PeerStatus(int value) {
            this.value = value;
        }
    }
}
