package org.sipring.peer.admin;

import java.net.URI;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** Status of this peer and its view of the overlay; graceful leave. Bearer auth: {@link ApiTokenFilter}. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class PeerController {

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

    /** Starts a graceful leave; 202 at once, the state then goes DRAINING and LEFT. */
    @PostMapping("/peer/leave")
    public ResponseEntity<?> leave() {
        PeerState state = Snapshots.take(overlay).state();
        if (state == PeerState.LEFT) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "this peer has already left");
            problem.setTitle("Already left");
            return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
        }
        control.leave();
        return ResponseEntity.accepted().location(URI.create("/api/v1/peer"))
            .body(Map.of("status", "leaving", "previousState", state));
    }
}
