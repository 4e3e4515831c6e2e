package org.sipring.peer.admin;

import java.net.URI;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.PeerState;
import org.sipring.peer.overlay.id.NodeId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Status of this peer and its view of the overlay; drain (graceful leave). Bearer auth: {@link ApiTokenFilter}. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class PeerController {

    static final String DRAIN_PATH = "/api/v1/peer/drain";

    private final Overlay overlay;
    private final PeerControl control;

    public PeerController(Overlay overlay, PeerControl control) {
        this.overlay = overlay;
        this.control = control;
    }

    @GetMapping("/peer")
    public PeerView peer() {
        return PeerView.of(Snapshots.take(overlay));
    }

    /** Every peer this one knows of, itself included, sorted by Node-ID. */
    @GetMapping("/overlay/peers")
    public List<PeerRef> peers() {
        PeerSnapshot s = Snapshots.take(overlay);
        Map<NodeId, PeerInfo> byId = new LinkedHashMap<>();
        byId.put(s.nodeId(), s.self());
        s.knownPeers().forEach(p -> byId.putIfAbsent(p.id(), p));
        return byId.values().stream().sorted(Comparator.comparing(PeerInfo::id)).map(PeerRef::of).toList();
    }

    /**
     * This peer's drain.
     *
     * @param state      the peer's state: ACTIVE before the drain, DRAINING while the data moves,
     *                   LEFT once it has gone (JOINING if it never joined)
     * @param slotsMoved slots handed to the peers that take the range over
     * @param bytesMoved their bytes
     * @param slotsTotal slots this peer held when the drain started
     * @param handedOver true once every slot has been handed over (the Leaves go out next)
     */
    public record DrainView(PeerState state, long slotsMoved, long bytesMoved, long slotsTotal, boolean handedOver) {

        static DrainView of(PeerState state, DrainProgress p) {
            return new DrainView(state, p.slotsMoved(), p.bytesMoved(), p.slotsTotal(), p.handedOver());
        }
    }

    /**
     * Starts the drain: the peer hands its data over, then leaves. 202 at once with the progress so
     * far; calling it again while the drain runs answers the same way, 409 once the peer has left.
     */
    @PostMapping("/peer/drain")
    public ResponseEntity<?> drain() {
        PeerState before = Snapshots.take(overlay).state();
        if (before == PeerState.LEFT) {
            return alreadyLeft();
        }
        control.leave();
        PeerState now;
        try {
            // queued behind the leave on the overlay's thread, so it shows the drain under way
            now = Snapshots.take(overlay).state();
        } catch (OverlayUnavailableException e) {
            now = PeerState.DRAINING;
        }
        return ResponseEntity.accepted().location(URI.create(DRAIN_PATH)).body(DrainView.of(now, control.drainProgress()));
    }

    @GetMapping("/peer/drain")
    public DrainView drainStatus() {
        return DrainView.of(Snapshots.take(overlay).state(), control.drainProgress());
    }

    /** The older name of {@code POST /peer/drain}: starts the same drain, 202 at once, 409 once left. */
    @PostMapping("/peer/leave")
    public ResponseEntity<?> leave() {
        PeerState state = Snapshots.take(overlay).state();
        if (state == PeerState.LEFT) {
            return alreadyLeft();
        }
        control.leave();
        return ResponseEntity.accepted().location(URI.create("/api/v1/peer"))
            .body(Map.of("status", "leaving", "previousState", state));
    }

    private static ResponseEntity<ProblemDetail> alreadyLeft() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "this peer has already left");
        problem.setTitle("Already left");
        return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }
}
