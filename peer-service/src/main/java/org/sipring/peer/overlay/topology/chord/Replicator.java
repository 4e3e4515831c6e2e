package org.sipring.peer.overlay.topology.chord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.sipring.peer.overlay.Element;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.SlotKey;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.message.Destination;
import org.sipring.peer.overlay.message.MessageBody.StoreAns;
import org.sipring.peer.overlay.message.MessageBody.StoreKindData;
import org.sipring.peer.overlay.message.MessageBody.StoreReq;
import org.sipring.peer.overlay.message.MessageBody.StoredData;

/**
 * Replication at the responsible peer (RFC 6940 §10.4): the elements a change wrote go to its
 * first two successors as replica Stores (replica_number 1 and 2), in parallel with each other and
 * with the owner's own commit (see {@link OwnerWrite}). The acknowledgement rule keeps the promise that an acknowledged store survives any
 * two simultaneous crashes: the change is acknowledged only once {@code min(2, successors)}
 * replicas have confirmed it; a replica that fails or times out is replaced by the next successor
 * not yet asked, and if the successors run out the store fails (the caller may retry). An owner
 * that is leaving (DRAINING) asks for three, as its own copy is about to go.
 */
final class Replicator {

    static final int REPLICAS = 2;

    private final ChordPeer peer;

    Replicator(ChordPeer peer) {
        this.peer = peer;
    }

    /**
     * Sends the change to the replica set.
     *
     * @param done called on the driver thread with the peers that confirmed, or a failure
     */
    void replicate(SlotKey key, Kind kind, long generation, List<Element> written,
                   BiConsumer<List<NodeId>, OverlayException> done) {
        List<NodeId> candidates = new ArrayList<>(peer.successors());
        candidates.remove(peer.nodeId());
        // a leaving owner's own copy goes with it: the change needs one more replica to stay at three
        int wanted = peer.state() == PeerState.DRAINING ? REPLICAS + 1 : REPLICAS;
        int needed = Math.min(wanted, candidates.size());
        if (needed == 0) {
            done.accept(List.of(), null);
            return;
        }
        List<StoredData> data = new ArrayList<>(written.size());
        for (Element e : written) {
            data.add(StoredData.of(e.toStoredValue(kind.model()), kind.model()));
        }
        new Round(key, kind, generation, data, candidates, needed, done).start();
    }

    private final class Round {
        final SlotKey key;
        final Kind kind;
        final long generation;
        final List<StoredData> data;
        final List<NodeId> candidates;
        final int needed;
        final BiConsumer<List<NodeId>, OverlayException> done;
        final List<NodeId> confirmed = new ArrayList<>();
        int next;
        int inFlight;
        boolean finished;

        Round(SlotKey key, Kind kind, long generation, List<StoredData> data, List<NodeId> candidates, int needed,
              BiConsumer<List<NodeId>, OverlayException> done) {
            this.key = key;
            this.kind = kind;
            this.generation = generation;
            this.data = data;
            this.candidates = candidates;
            this.needed = needed;
            this.done = done;
        }

        void start() {
            for (int i = 0; i < needed; i++) {
                sendNext();
            }
        }

        void sendNext() {
            NodeId to = candidates.get(next);
            int replicaNumber = ++next;
            inFlight++;
            StoreReq req = new StoreReq(key.resource(), replicaNumber,
                List.of(new StoreKindData(kind.id(), generation, data)));
            peer.request(List.of(new Destination.Node(to)), req, "replica " + replicaNumber + " of " + key + " to "
                + to.shortHex(), (ans, err) -> onAnswer(to, ans != null && ans.body() instanceof StoreAns, err));
        }

        void onAnswer(NodeId from, boolean ok, OverlayException err) {
            inFlight--;
            if (finished) {
                return;
            }
            if (ok && err == null) {
                confirmed.add(from);
                if (confirmed.size() == needed) {
                    finished = true;
                    done.accept(List.copyOf(confirmed), null);
                }
                return;
            }
            if (next < candidates.size()) {
                sendNext();
            } else if (inFlight == 0) {
                finished = true;
                done.accept(null, new OverlayException.RemoteError(0x04,
                    "only " + confirmed.size() + " of " + needed + " replicas confirmed " + key));
            }
        }
    }
}
