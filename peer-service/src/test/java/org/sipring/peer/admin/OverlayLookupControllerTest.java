package org.sipring.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sipring.peer.app.FakeOverlay;
import org.sipring.peer.overlay.Kind;
import org.sipring.peer.overlay.Overlay;
import org.sipring.peer.overlay.OverlayException;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.PeerInfo;
import org.sipring.peer.overlay.PeerSnapshot;
import org.sipring.peer.overlay.StoreResult;
import org.sipring.peer.overlay.StoredValue;
import org.sipring.peer.overlay.UpdateResult;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** {@code GET /api/v1/overlay/lookup/{name}} against a fake overlay with scripted lookup outcomes. */
@WebMvcTest(OverlayLookupController.class)
@ContextConfiguration(classes = {OverlayLookupController.class, AdminConfiguration.class, ApiExceptionHandler.class,
    OverlayLookupControllerTest.Fakes.class})
class OverlayLookupControllerTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";
    static final String ALICE = "sip:alice@example.org";
    /** The top 128 bits of SHA-1("sip:alice@example.org"). */
    static final String ALICE_ID = "fdfbd5d7a777037523f569849c4acc7b";

    @TestConfiguration
    static class Fakes {
        @Bean
        LookupOverlay overlay() {
            return new LookupOverlay(new FakeOverlay(FakeOverlay.peer('5', 5)));
        }

        @Bean
        ApiTokens tokens() {
            return new ApiTokens(ADMIN, Optional.of(READ));
        }
    }

    /** Answers lookups with whatever {@link #answer} says; the rest of the overlay is a {@link FakeOverlay}. */
    static final class LookupOverlay implements Overlay {
        final FakeOverlay base;
        final List<String> asked = new CopyOnWriteArrayList<>();
        volatile Function<String, CompletableFuture<PeerInfo>> answer;

        LookupOverlay(FakeOverlay base) {
            this.base = base;
        }

        @Override
        public CompletableFuture<Void> join(List<PeerAddress> bootstrapPeers) {
            return base.join(bootstrapPeers);
        }

        @Override
        public CompletableFuture<Void> leave() {
            return base.leave();
        }

        @Override
        public CompletableFuture<PeerInfo> lookup(String resourceName) {
            asked.add(resourceName);
            return answer.apply(resourceName);
        }

        @Override
        public CompletableFuture<StoreResult> store(String resourceName, Kind kind, List<StoredValue> values) {
            return base.store(resourceName, kind, values);
        }

        @Override
        public CompletableFuture<List<StoredValue>> fetch(String resourceName, Kind kind) {
            return base.fetch(resourceName, kind);
        }

        @Override
        public CompletableFuture<UpdateResult> update(String resourceName, Kind kind, String procedure, byte[] argument) {
            return base.update(resourceName, kind, procedure, argument);
        }

        @Override
        public CompletableFuture<PeerSnapshot> snapshot() {
            return base.snapshot();
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    LookupOverlay overlay;

    @BeforeEach
    void peerSevenIsResponsible() {
        overlay.asked.clear();
        overlay.answer = name -> CompletableFuture.completedFuture(FakeOverlay.peer('7', 7));
    }

    static MockHttpServletRequestBuilder as(String token, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + token);
    }

    /** Performs an asynchronous request (path already percent-encoded) and its dispatch. */
    ResultActions lookup(String token, String path) throws Exception {
        MvcResult started = mvc.perform(as(token, get(URI.create(path)))).andExpect(request().asyncStarted()).andReturn();
        return mvc.perform(asyncDispatch(started));
    }

    @Test
    void namesTheResponsiblePeer() throws Exception {
        lookup(READ, "/api/v1/overlay/lookup/sip:alice@example.org")
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.resourceName").value(ALICE))
            .andExpect(jsonPath("$.resourceId").value(ALICE_ID))
            .andExpect(jsonPath("$.responsible.nodeId").value("7".repeat(32)))
            .andExpect(jsonPath("$.responsible.address").value("127.0.0.7:6084"));
        assertThat(overlay.asked).containsExactly(ALICE);
    }

    @Test
    void percentEncodedNamesAreDecoded() throws Exception {
        lookup(ADMIN, "/api/v1/overlay/lookup/sip%3Abob%40example.org%20x")
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.resourceName").value("sip:bob@example.org x"));
        assertThat(overlay.asked).containsExactly("sip:bob@example.org x");
    }

    @Test
    void aTokenIsRequiredAndReadIsEnough() throws Exception {
        mvc.perform(get("/api/v1/overlay/lookup/x")).andExpect(status().isUnauthorized());
        mvc.perform(as("wrong-token-0123456789", get("/api/v1/overlay/lookup/x"))).andExpect(status().isUnauthorized());
        mvc.perform(as(READ, post("/api/v1/overlay/lookup/x"))).andExpect(status().isForbidden());
        assertThat(overlay.asked).isEmpty();
    }

    @Test
    void notJoinedIs503() throws Exception {
        overlay.answer = name -> CompletableFuture.failedFuture(new OverlayException.NotJoined("JOINING"));
        lookup(READ, "/api/v1/overlay/lookup/x")
            .andExpect(status().isServiceUnavailable())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.status").value(503))
            .andExpect(jsonPath("$.title").value("Not an overlay member"))
            .andExpect(jsonPath("$.detail").value("peer is JOINING, not an overlay member"));
    }

    @Test
    void anOverlayTimeoutIs504() throws Exception {
        overlay.answer = name -> CompletableFuture.failedFuture(new OverlayException.Timeout("lookup 0a1b2c3d"));
        lookup(READ, "/api/v1/overlay/lookup/x")
            .andExpect(status().isGatewayTimeout())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.title").value("Lookup timed out"))
            .andExpect(jsonPath("$.detail").value(containsString("no answer after all retransmissions")));
    }

    @Test
    void theControllersOwnBoundIs504() throws Exception {
        // A lookup still pending when the controller's bound expires fails as orTimeout fails it.
        CompletableFuture<PeerInfo> pending = new CompletableFuture<>();
        overlay.answer = name -> pending;
        MvcResult started = mvc.perform(as(READ, get("/api/v1/overlay/lookup/x")))
            .andExpect(request().asyncStarted()).andReturn();
        pending.completeExceptionally(new TimeoutException());
        mvc.perform(asyncDispatch(started))
            .andExpect(status().isGatewayTimeout())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.detail").value("no answer from the overlay within 20 s"));
    }

    @Test
    void overloadIs503AndARemoteErrorIs502() throws Exception {
        overlay.answer = name -> CompletableFuture.failedFuture(new OverlayException.Overloaded("queue full"));
        lookup(READ, "/api/v1/overlay/lookup/x").andExpect(status().isServiceUnavailable());
        overlay.answer = name -> CompletableFuture.failedFuture(new OverlayException.RemoteError(0x03, "gone"));
        lookup(READ, "/api/v1/overlay/lookup/x")
            .andExpect(status().isBadGateway())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.detail").value("RELOAD error 0x3: gone"));
    }

    @Test
    void anUnexpectedFailureIs500WithoutInternals() throws Exception {
        overlay.answer = name -> CompletableFuture.failedFuture(new IllegalStateException("boom at Foo.java:12"));
        lookup(READ, "/api/v1/overlay/lookup/x")
            .andExpect(status().isInternalServerError())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(content().string(not(containsString("Foo.java"))));
    }

    @Test
    void anOverlongNameIs400WithoutALookup() throws Exception {
        mvc.perform(as(READ, get("/api/v1/overlay/lookup/" + "a".repeat(OverlayLookupController.MAX_NAME_BYTES + 1))))
            .andExpect(status().isBadRequest())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.title").value("Invalid resource name"));
        assertThat(overlay.asked).isEmpty();
    }
}
