package org.sipring.peer.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.sip.Aor;
import org.sipring.peer.sip.Binding;
import org.sipring.peer.sip.DigestAlgorithm;
import org.sipring.peer.sip.Registrar;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The registrar's data by REST, read and written at the AOR's responsible peer through the overlay:
 * <ul>
 *   <li>{@code PUT /api/v1/subscribers/{aor}} with {@code {"password": "..."}} provisions digest
 *       credentials, kept as one HA1 per algorithm only; {@code GET} says whether they exist (never
 *       an HA1), {@code DELETE} removes them.</li>
 *   <li>{@code GET /api/v1/aors/{aor}} lists the current bindings; {@code DELETE} removes them all.</li>
 * </ul>
 * The AOR is a SIP URI or {@code user@domain}, canonicalized as the registrar does (RFC 3261 §10.3).
 */
@RestController
public class RegistrarController extends OverlayDataController {

    static final int MAX_PASSWORD_LENGTH = 256;
    static final int MAX_BODY_BYTES = 4096;

    private final Registrar registrar;
    private final ObjectMapper json;

    public RegistrarController(Registrar registrar, ObjectMapper json) {
        this.registrar = registrar;
        this.json = json;
    }

    /** A subscriber's credentials as the API shows them: which algorithms, never the HA1 values. */
    public record SubscriberView(String aor, String realm, List<String> algorithms) {
        static SubscriberView of(Aor aor) {
            return new SubscriberView(aor.toString(), aor.host(),
                List.of(DigestAlgorithm.values()).stream().map(DigestAlgorithm::token).toList());
        }
    }

    public record BindingsView(String aor, List<BindingView> bindings) {
    }

    /**
     * @param expires seconds left
     * @param q       the q-value, 0.000 to 1.000
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BindingView(String contact, long expires, String expiresAt, double q, String callId, long cseq,
                              List<String> path, String instanceId, Integer regId, FlowView flow) {
        static BindingView of(Binding b, long now) {
            return new BindingView(b.contact(), b.remainingSeconds(now), Instant.ofEpochMilli(b.expiresAt()).toString(),
                b.qMillis() / 1000.0, b.callId(), b.cseq(), b.path(), b.instanceId(), b.regId() > 0 ? b.regId() : null,
                b.flow() == null ? null : new FlowView(b.flow().transport(), b.flow().host(), b.flow().port(),
                    b.flow().peer()));
        }
    }

    /** @param peer the SIP address of the peer holding the flow */
    public record FlowView(String transport, String host, int port, String peer) {
    }

    public record RemovedView(String aor, int removed) {
    }

    @PutMapping(path = "/api/v1/subscribers/{aor}", consumes = MediaType.APPLICATION_JSON_VALUE,
        produces = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<SubscriberView> provision(@PathVariable("aor") String aorText, HttpServletRequest request) {
        Aor aor = aor(aorText);
        String password = password(JsonBody.parse(JsonBody.read(request, MAX_BODY_BYTES), json));
        return started(registrar.provision(aor, password)).thenApply(v -> SubscriberView.of(aor));
    }

    @GetMapping(path = "/api/v1/subscribers/{aor}", produces = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<SubscriberView> subscriber(@PathVariable("aor") String aorText) {
        Aor aor = aor(aorText);
        return started(registrar.isSubscriber(aor)).thenApply(present -> {
            if (!present) {
                throw new NotFound("no subscriber " + aor);
            }
            return SubscriberView.of(aor);
        });
    }

    @DeleteMapping(path = "/api/v1/subscribers/{aor}")
    public CompletableFuture<ResponseEntity<Void>> removeSubscriber(@PathVariable("aor") String aorText) {
        Aor aor = aor(aorText);
        return started(registrar.removeSubscriber(aor)).thenApply(present -> {
            if (!present) {
                throw new NotFound("no subscriber " + aor);
            }
            return ResponseEntity.noContent().build();
        });
    }

    @GetMapping(path = "/api/v1/aors/{aor}", produces = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<BindingsView> bindings(@PathVariable("aor") String aorText) {
        Aor aor = aor(aorText);
        return started(registrar.bindings(aor)).thenApply(list -> {
            long now = System.currentTimeMillis();
            return new BindingsView(aor.toString(), list.stream().filter(b -> b.expiresAt() > now)
                .map(b -> BindingView.of(b, now)).toList());
        });
    }

    @DeleteMapping(path = "/api/v1/aors/{aor}", produces = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<RemovedView> removeBindings(@PathVariable("aor") String aorText) {
        Aor aor = aor(aorText);
        return started(registrar.removeBindings(aor)).thenApply(n -> new RemovedView(aor.toString(), n));
    }

    private static Aor aor(String text) {
        try {
            return Aor.parse(text);
        } catch (Aor.InvalidAorException e) {
            throw new JsonBody.Invalid("invalid address-of-record: " + e.getMessage());
        }
    }

    /** {@code {"password": "..."}}, nothing else: 1 to 256 characters, no control characters. */
    private static String password(JsonNode root) {
        if (!root.isObject()) {
            throw new JsonBody.Invalid("the body must be a JSON object {\"password\": \"...\"}");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!"password".equals(f)) {
                throw new JsonBody.Invalid("unknown field '" + f + "'; only \"password\" is accepted");
            }
        }
        JsonNode p = root.get("password");
        if (p == null || !p.isTextual()) {
            throw new JsonBody.Invalid("\"password\" must be a string");
        }
        String password = p.asText();
        if (password.isEmpty() || password.length() > MAX_PASSWORD_LENGTH) {
            throw new JsonBody.Invalid("\"password\" must have 1 to " + MAX_PASSWORD_LENGTH + " characters");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw new JsonBody.Invalid("\"password\" must not contain control characters");
        }
        return password;
    }

    @ExceptionHandler(NotFound.class)
    ProblemDetail notFound(NotFound e) {
        return problem(HttpStatus.NOT_FOUND, "Not found", e.getMessage());
    }

    static final class NotFound extends RuntimeException {
        NotFound(String detail) {
            super(detail, null, false, false);
        }
    }
}
