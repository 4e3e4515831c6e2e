package org.sipring.peer.overlay;

import java.util.Optional;
import org.sipring.peer.overlay.id.NodeId;

/**
 * Typed failures of overlay operations. Each says what the caller can do next: retry later, ask
 * another peer, or give up.
 */
public abstract sealed class OverlayException extends RuntimeException {

    protected OverlayException(String message) {
        super(message, null, false, false);
    }

    /** No answer after every end-to-end retransmission (RFC 6940 §6.2.1). Retrying later may work. */
    public static final class Timeout extends OverlayException {
        public Timeout(String what) {
            super(what + ": no answer after all retransmissions");
        }
    }

    /** The peer is not part of an overlay (not yet joined, or already left). */
    public static final class NotJoined extends OverlayException {
        public NotJoined(String state) {
            super("peer is " + state + ", not an overlay member");
        }
    }

    /** Join failed: no bootstrap peer answered, or the admitting peer refused. */
    public static final class JoinFailed extends OverlayException {
        public JoinFailed(String reason) {
            super("join failed: " + reason);
        }
    }

    /** The peer asked is not responsible; {@link #suggestedPeer()} may know better. */
    public static final class NotResponsible extends OverlayException {
        private final transient NodeId suggested;

        public NotResponsible(NodeId suggested) {
            super("not responsible" + (suggested == null ? "" : ", try " + suggested.shortHex()));
            this.suggested = suggested;
        }

        public Optional<NodeId> suggestedPeer() {
            return Optional.ofNullable(suggested);
        }
    }

    /** The remote peer answered with a RELOAD error (§6.3.3.1). */
    public static final class RemoteError extends OverlayException {
        private final int errorCode;

        public RemoteError(int errorCode, String reason) {
            super("RELOAD error 0x" + Integer.toHexString(errorCode) + (reason.isEmpty() ? "" : ": " + reason));
            this.errorCode = errorCode;
        }

        public int errorCode() {
            return errorCode;
        }
    }

    /** The local peer is overloaded (a bounded queue is full); retry later. */
    public static final class Overloaded extends OverlayException {
        public Overloaded(String what) {
            super("overloaded: " + what);
        }
    }
}
