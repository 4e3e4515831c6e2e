package org.sipring.peer.admin;

import org.sipring.peer.overlay.OverlayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every API error as {@code application/problem+json} (RFC 9457). Clients get a status and a short
 * reason, never a stack trace; unexpected failures are logged here with theirs.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(OverlayUnavailableException.class)
    ProblemDetail unavailable(OverlayUnavailableException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Overlay unavailable", e.getMessage());
    }

    @ExceptionHandler(OverlayException.NotJoined.class)
    ProblemDetail notJoined(OverlayException.NotJoined e) {
        return problem(HttpStatus.CONFLICT, "Not an overlay member", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("request failed", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "the request failed; see the peer's log");
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setTitle(title);
        return p;
    }
}
