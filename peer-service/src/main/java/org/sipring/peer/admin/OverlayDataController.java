package org.sipring.peer.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.sipring.peer.overlay.OverlayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * What every controller that reads or writes data through the overlay shares: a bounded wait for
 * the overlay, and its failures as problem+json by what the client can do about them (503 with
 * Retry-After while the ring changes, the peer is not a member, overloaded or without an answer;
 * 409, 413, 404, 400 or 502 for refusals of the responsible peer), and bad bodies ({@link JsonBody})
 * as 400 or 413.
 */
abstract class OverlayDataController {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final long RETRY_AFTER_SECONDS = 5;

    private static final Logger log = LoggerFactory.getLogger(OverlayDataController.class);

    static <T> CompletableFuture<T> started(CompletableFuture<T> f) {
        if (f == null) {
            throw new OverlayUnavailableException("the overlay is not running");
        }
        return f.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** RELOAD refusals of the responsible peer (RFC 6940 §6.3.3.1), by what the client can do about them. */
    @ExceptionHandler(OverlayException.RemoteError.class)
    ResponseEntity<ProblemDetail> refused(OverlayException.RemoteError e) {
        int code = e.errorCode();
        ProblemDetail p = switch (code) {
            case 0x05 -> problem(HttpStatus.CONFLICT, "Generation counter too low", e.getMessage());
            case 0x09 -> problem(HttpStatus.CONFLICT, "Data too old", e.getMessage());
            case 0x08 -> problem(HttpStatus.PAYLOAD_TOO_LARGE, "Data too large", e.getMessage());
            case 0x0c -> problem(HttpStatus.NOT_FOUND, "Unknown kind",
                "the responsible peer does not store this kind: " + e.getMessage());
            case 0x14 -> problem(HttpStatus.BAD_REQUEST, "Refused as invalid", e.getMessage());
            // not responsible, no route, no answer, range being taken over: the ring is changing
            case 0x02, 0x03, 0x04, 0x11 -> problem(HttpStatus.SERVICE_UNAVAILABLE, "Overlay changing",
                "the overlay is moving this resource between peers; try again: " + e.getMessage());
            default -> problem(HttpStatus.BAD_GATEWAY, "Refused by the responsible peer", e.getMessage());
        };
        p.setProperty("reloadError", String.format("0x%02x", code));
        if (p.getStatus() >= 500) {
            log.info("overlay request failed: {}", e.getMessage());
        }
        return p.getStatus() == HttpStatus.SERVICE_UNAVAILABLE.value() ? retryLater(p) : ResponseEntity.of(p).build();
    }

    @ExceptionHandler({OverlayException.NotJoined.class, OverlayException.JoinFailed.class,
        OverlayUnavailableException.class})
    ResponseEntity<ProblemDetail> notMember(RuntimeException e) {
        return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Not an overlay member", e.getMessage()));
    }

    @ExceptionHandler(OverlayException.Overloaded.class)
    ResponseEntity<ProblemDetail> overloaded(OverlayException.Overloaded e) {
        return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Overlay overloaded", e.getMessage()));
    }

    @ExceptionHandler(OverlayException.NotResponsible.class)
    ResponseEntity<ProblemDetail> notResponsible(OverlayException.NotResponsible e) {
        return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Overlay changing",
            "the overlay is moving this resource between peers; try again: " + e.getMessage()));
    }

    @ExceptionHandler({OverlayException.Timeout.class, TimeoutException.class})
    ResponseEntity<ProblemDetail> timeout(Exception e, HttpServletRequest request) {
        String what = e instanceof OverlayException.Timeout ? e.getMessage()
            : "no answer from the overlay within " + TIMEOUT.toSeconds() + " s";
        String outcome = "GET".equals(request.getMethod()) ? "" : "; the change may still take effect";
        return retryLater(problem(HttpStatus.SERVICE_UNAVAILABLE, "Overlay timed out", what + outcome));
    }

    private static ResponseEntity<ProblemDetail> retryLater(ProblemDetail p) {
        return ResponseEntity.status(p.getStatus()).header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
            .body(p);
    }

    @ExceptionHandler(JsonBody.Invalid.class)
    ProblemDetail invalid(JsonBody.Invalid e) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
    }

    @ExceptionHandler(JsonBody.TooLarge.class)
    ProblemDetail tooLarge(JsonBody.TooLarge e) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "Request body too large", e.getMessage());
    }

    static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }
}
