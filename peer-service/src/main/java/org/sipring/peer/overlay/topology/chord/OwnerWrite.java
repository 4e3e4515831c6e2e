package org.sipring.peer.overlay.topology.chord;

import java.util.List;
import java.util.function.BiConsumer;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.LocalStorage.SlotChange;
import org.sipring.peer.overlay.Slot;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.message.ErrorCode;
import org.sipring.peer.overlay.message.Message;

/**
 * One original store or atomic update at the responsible peer (RFC 6940 §10.4): as soon as the
 * storage layer has decided the change, before it is durable here, the change goes to the
 * replicas and to the joiners mirroring its range, in parallel with the owner's own commit. The
 * writer is answered once all of it has finished: the commit, the confirmations the
 * {@link Replicator}'s acknowledgement rule needs, and the mirror pushes.
 *
 * <p>A failed commit or too few replicas fail the write. Copies already sent may then outlive the
 * failure, as for any write whose answer is lost; the RELOAD rules settle them like any other
 * difference. Runs on the driver thread; the decided change and the commit outcome may arrive in
 * either order.
 */
final class OwnerWrite {

    /** Copies a changed slot to the joiners that mirror its range, then runs the continuation. */
    interface Mirror {
        void push(Slot slot, Runnable then);
    }

    private final ChordPeer peer;
    private final Message request;
    private final ChordPeer.ReturnPath path;
    private final Kind kind;
    private final Replicator replicator;
    private final Mirror mirror;
    private final BiConsumer<SlotChange, List<NodeId>> answer;
    private SlotChange change;
    private List<NodeId> replicas;
    private boolean committed;
    private boolean mirrored;
    private boolean finished;

    OwnerWrite(ChordPeer peer, Message request, ChordPeer.ReturnPath path, Kind kind, Replicator replicator,
               Mirror mirror, BiConsumer<SlotChange, List<NodeId>> answer) {
        this.peer = peer;
        this.request = request;
        this.path = path;
        this.kind = kind;
        this.replicator = replicator;
        this.mirror = mirror;
        this.answer = answer;
    }

    /** The storage layer decided the change (it may not be durable yet): copy it out. */
    void applied(SlotChange decided) {
        if (change != null || finished) {
            return;
        }
        change = decided;
        if (decided.written().isEmpty()) {
            replicas = List.of();
            mirrored = true;
            return;
        }
        replicator.replicate(decided.slot().key(), kind, decided.slot().generation(), decided.written(),
            (confirmed, err) -> {
                if (err != null) {
                    fail(() -> peer.replyError(request, path, ErrorCode.REQUEST_TIMEOUT, err.getMessage()));
                } else {
                    replicas = confirmed;
                    finishIfDone();
                }
            });
        mirror.push(decided.slot(), () -> {
            mirrored = true;
            finishIfDone();
        });
    }

    /** The owner's commit is durable. */
    void committed(SlotChange durable) {
        applied(durable);
        committed = true;
        finishIfDone();
    }

    /** The owner's store was refused or its commit failed. */
    void failed(Throwable err) {
        fail(() -> StorageHandler.replyFailure(request, path, peer, err));
    }

    private void finishIfDone() {
        if (!finished && committed && mirrored && replicas != null) {
            finished = true;
            answer.accept(change, replicas);
        }
    }

    private void fail(Runnable reply) {
        if (!finished) {
            finished = true;
            reply.run();
        }
    }
}
