package org.sipring.peer.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.sipring.peer.overlay.DataModel;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.id.NodeId;
import org.sipring.peer.overlay.id.ResourceId;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The DHT through REST: store, fetch and clear the values of the general-purpose kinds
 * ({@link DhtKindCatalog}) under any resource name, at the peer responsible for it. Reads take the
 * read token, writes the admin token ({@link ApiTokenFilter}). The request thread is not held while
 * the overlay works; an answer waits at most {@link #TIMEOUT}.
 *
 * <ul>
 *   <li>{@code PUT /api/v1/dht/{kind}/{name}}: a Store of the body's values ({@link DhtWriteRequest}),
 *       200 with the slot's new generation and the replicas;
 *   <li>{@code GET /api/v1/dht/{kind}/{name}}: every live value, 404 when there is none;
 *   <li>{@code DELETE /api/v1/dht/{kind}/{name}}: deletes every value at once (the responsible
 *       peer's built-in {@value #CLEAR} procedure), 200 with the new generation.
 * </ul>
 *
 * <p>Failures are problem details: 400 for a body or name the API does not accept (nothing is
 * stored), 404 for an unknown kind, 413 for a body over {@link #MAX_BODY_BYTES} or a value the kind
 * does not take, 409 for a store the responsible peer refuses as stale, 503 with
 * {@code Retry-After} while this peer is not a member, is overloaded, or the overlay does not
 * answer or is moving the data, 502 for other RELOAD errors.
 */
@RestController
@RequestMapping(path = "/api/v1/dht", produces = MediaType.APPLICATION_JSON_VALUE)
public class DhtController extends OverlayDataController {

    static final int MAX_BODY_BYTES = 1024 * 1024;
    static final int MAX_NAME_BYTES = 1024;
    /** The slot procedure every peer has built in that deletes all of a slot's entries ({@code SlotStore.CLEAR}). */
    static final String CLEAR = "clear";

    private final Overlay overlay;
    private final DhtKindCatalog kinds;
    private final ObjectMapper json;
    private final LocalData local;

    public DhtController(Overlay overlay, DhtKindCatalog kinds, ObjectMapper json, LocalData local) {
        this.local = local;
        this.overlay = overlay;
        this.kinds = kinds;
        this.json = json;
    }

    /**
     * The outcome of a PUT.
     *
     * @param generation the slot's generation counter after the store
     * @param replicas   Node-IDs of the peers that confirmed a replica
     */
    public record StoreView(String resource, String resourceId, String kind, long generation, List<String> replicas) {
    }

    /** The outcome of a DELETE. */
    public record ClearView(String resource, String resourceId, String kind, long generation) {
    }

    /** The answer of a GET. */
    public record ValuesView(String resource, String resourceId, String kind, List<ValueView> values) {
    }

    /**
     * One stored value. Keys and values appear as text when they are valid UTF-8 and always in base64.
     *
     * @param index       array index (array kinds only)
     * @param storageTime when the responsible peer stored it, ISO-8601 UTC
     * @param lifetime    seconds it lives after storageTime
     * @param expiresAt   storageTime + lifetime
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ValueView(String key, String keyBase64, Long index, String value, String valueBase64,
                            String storageTime, long lifetime, String expiresAt) {

        static ValueView of(StoredValue v, DataModel model) {
            byte[] key = model == DataModel.DICTIONARY ? v.key() : null;
            byte[] value = v.value();
            return new ValueView(key == null ? null : utf8OrNull(key), key == null ? null : base64(key),
                model == DataModel.ARRAY ? v.index() : null, utf8OrNull(value), base64(value),
                Instant.ofEpochMilli(v.storageTime()).toString(), v.lifetime(),
                Instant.ofEpochMilli(v.storageTime() + v.lifetime() * 1000).toString());
        }
    }

    @PutMapping(path = "/{kind}/{resourceName}", consumes = MediaType.APPLICATION_JSON_VALUE)
    public CompletableFuture<StoreView> put(@PathVariable("kind") String kindName, @PathVariable String resourceName,
                                            HttpServletRequest request) {
        Kind kind = kind(kindName);
        String resourceId = resourceId(resourceName);
        List<StoredValue> values = DhtWriteRequest.parse(JsonBody.read(request, MAX_BODY_BYTES), kind, json);
        return started(overlay.store(resourceName, kind, values))
            .thenApply(r -> new StoreView(resourceName, resourceId, kind.name(), r.generation(),
                r.replicas().stream().map(NodeId::toHex).toList()));
    }

    /**
     * The values through the overlay (the responsible peer, or a replica when it is unreachable);
     * with {@code scope=local}, the copy this peer itself holds.
     */
    @GetMapping("/{kind}/{resourceName}")
    public CompletableFuture<ValuesView> get(@PathVariable("kind") String kindName, @PathVariable String resourceName,
                                             @RequestParam(name = "scope", defaultValue = "overlay") String scope) {
        Kind kind = kind(kindName);
        String resourceId = resourceId(resourceName);
        CompletableFuture<List<StoredValue>> fetched = switch (scope) {
            case "overlay" -> overlay.fetch(resourceName, kind);
            case "local" -> local.fetchLocal(resourceName, kind);
            default -> throw new JsonBody.Invalid("scope must be overlay or local, not '" + scope + "'");
        };
        return started(fetched).thenApply(found -> {
            List<ValueView> values = found.stream().filter(StoredValue::exists)
                .map(v -> ValueView.of(v, kind.model())).toList();
            if (values.isEmpty()) {
                throw new NoValues(kind.name(), resourceName);
            }
            return new ValuesView(resourceName, resourceId, kind.name(), values);
        });
    }

    @DeleteMapping("/{kind}/{resourceName}")
    public CompletableFuture<ClearView> delete(@PathVariable("kind") String kindName,
                                               @PathVariable String resourceName) {
        Kind kind = kind(kindName);
        String resourceId = resourceId(resourceName);
        return started(overlay.update(resourceName, kind, CLEAR, new byte[0]))
            .thenApply(r -> new ClearView(resourceName, resourceId, kind.name(), r.generation()));
    }

    private Kind kind(String name) {
        return kinds.byName(name).orElseThrow(() -> new UnknownKind(name, kinds.all()));
    }

    private static String resourceId(String resourceName) {
        if (resourceName.isEmpty() || resourceName.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new JsonBody.Invalid("resource name must be 1.." + MAX_NAME_BYTES + " bytes of UTF-8");
        }
        return ResourceId.ofName(resourceName).toHex();
    }

    static String utf8OrNull(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    // ------------------------------------------------------------------ failures

    /** A kind name the catalog does not have. */
    static final class UnknownKind extends RuntimeException {
        final List<String> known;

        UnknownKind(String name, List<Kind> known) {
            super("no DHT kind named '" + name + "'; known kinds: "
                + String.join(", ", known.stream().map(Kind::name).toList()), null, false, false);
            this.known = known.stream().map(Kind::name).toList();
        }
    }

    /** Nothing stored under the name. */
    static final class NoValues extends RuntimeException {
        NoValues(String kind, String resourceName) {
            super("no values of kind '" + kind + "' under '" + resourceName + "'", null, false, false);
        }
    }

    @ExceptionHandler(UnknownKind.class)
    ProblemDetail unknownKind(UnknownKind e) {
        ProblemDetail p = problem(HttpStatus.NOT_FOUND, "Unknown kind", e.getMessage());
        p.setProperty("kinds", e.known);
        return p;
    }

    @ExceptionHandler(NoValues.class)
    ProblemDetail noValues(NoValues e) {
        return problem(HttpStatus.NOT_FOUND, "No values", e.getMessage());
    }
}
