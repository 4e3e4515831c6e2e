package org.sipring.peer.overlay.message;

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
            contents = contents.clone();
        }
    }

    /**
     * Peer directory: membership records with their link addresses, so peers learn the whole
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
