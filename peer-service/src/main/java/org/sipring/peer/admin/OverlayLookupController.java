package org.sipring.peer.admin;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.id.ResourceId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/overlay/lookup/{resourceName}}: which peer is responsible for a resource name
 * now, found through the overlay (a Probe routed to the name's Resource-ID, RFC 6940 §6.4.2.5) the
 * way a Store or Fetch would find it. Read token. The request thread is not held while the overlay
 * works; the answer waits at most {@link #TIMEOUT}.
 *
 * <p>Failures are problem details: 503 when this peer is not an overlay member (starting, joining,
 * left) or is overloaded, 504 when no answer came in time, 502 when the responsible peer answered
 * with a RELOAD error, 400 for a name longer than {@link #MAX_NAME_BYTES}.
 */
@RestController
@RequestMapping(path = "/api/v1/overlay", produces = MediaType.APPLICATION_JSON_VALUE)
public class OverlayLookupController {

    /** Longer than the overlay's own give-up time with default timers (5 transmissions of 3 s). */
    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final int MAX_NAME_BYTES = 1024;

    private static final Logger log = LoggerFactory.getLogger(OverlayLookupController.class);

    private final Overlay overlay;

    public OverlayLookupController(Overlay overlay) {
        this.overlay = overlay;
    }

    /**
     * The lookup result.
     *
     * @param resourceName the name as given
     * @param resourceId   its chord-reload Resource-ID (§10.2), 32 hex digits
     * @param responsible  the peer responsible for it
     */
    public record LookupView(String resourceName, String resourceId, PeerRef responsible) {
    }

    @GetMapping("/lookup/{resourceName}")
    public CompletableFuture<LookupView> lookup(@PathVariable String resourceName) {
        if (resourceName.isEmpty() || resourceName.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new InvalidResourceName();
        }
        String resourceId = ResourceId.ofName(resourceName).toHex();
        CompletableFuture<PeerInfo> found = overlay.lookup(resourceName);
        if (found == null) {
            throw new OverlayUnavailableException("the overlay is not running");
        }
        return found.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .thenApply(peer -> new LookupView(resourceName, resourceId, PeerRef.of(peer)));
    }

    /** A resource name the API does not accept. */
    static final class InvalidResourceName extends RuntimeException {
        InvalidResourceName() {
            super("resource name must be 1.." + MAX_NAME_BYTES + " bytes of UTF-8", null, false, false);
        }
    }

    @ExceptionHandler(InvalidResourceName.class)
    ProblemDetail invalidName(InvalidResourceName e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid resource name", e.getMessage());
    }

    @ExceptionHandler(OverlayException.NotJoined.class)
    ProblemDetail notJoined(OverlayException.NotJoined e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Not an overlay member", e.getMessage());
    }

    @ExceptionHandler(OverlayException.Overloaded.class)
    ProblemDetail overloaded(OverlayException.Overloaded e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Overlay overloaded", e.getMessage());
    }

    @ExceptionHandler({OverlayException.Timeout.class, TimeoutException.class})
    ProblemDetail timeout(Exception e) {
        String detail = e instanceof OverlayException.Timeout ? e.getMessage()
            : "no answer from the overlay within " + TIMEOUT.toSeconds() + " s";
        return problem(HttpStatus.GATEWAY_TIMEOUT, "Lookup timed out", detail);
    }

    @ExceptionHandler({OverlayException.RemoteError.class, OverlayException.NotResponsible.class})
    ProblemDetail remoteError(OverlayException e) {
        log.info("lookup failed: {}", e.getMessage());
        return problem(HttpStatus.BAD_GATEWAY, "Lookup failed", e.getMessage());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }
}
