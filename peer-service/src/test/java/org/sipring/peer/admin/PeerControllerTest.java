package org.sipring.peer.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sipring.peer.app.FakeOverlay;
import org.sipring.peer.overlay.DrainProgress;
import org.sipring.peer.overlay.PeerState;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The admin API against a fake overlay: JSON shapes, bearer auth, problem details. */
@WebMvcTest(PeerController.class)
@ContextConfiguration(classes = {PeerController.class, AdminConfiguration.class, ApiExceptionHandler.class,
    PeerControllerTest.Fakes.class})
@ExtendWith(OutputCaptureExtension.class)
class PeerControllerTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";

    @TestConfiguration
    static class Fakes {
        @Bean
        FakeOverlay overlay() {
            return new FakeOverlay(FakeOverlay.peer('5', 5));
        }

        @Bean
        CountingControl control(FakeOverlay overlay) {
            return new CountingControl(overlay);
        }

        @Bean
        ApiTokens tokens() {
            return new ApiTokens(ADMIN, Optional.of(READ));
        }
    }

    static final class CountingControl implements PeerControl {
        final AtomicInteger leaves = new AtomicInteger();
        final FakeOverlay overlay;

        CountingControl(FakeOverlay overlay) {
            this.overlay = overlay;
        }

        volatile DrainProgress progress = DrainProgress.NONE;

        @Override
        public CompletableFuture<Void> leave() {
            leaves.incrementAndGet();
            overlay.state = PeerState.DRAINING;
            return new CompletableFuture<>();
        }

        @Override
        public DrainProgress drainProgress() {
            return progress;
        }
    }

    @Autowired
    MockMvc mvc;
    @Autowired
    FakeOverlay overlay;
    @Autowired
    CountingControl control;

    @BeforeEach
    void aFiveFromEightRing() {
        overlay.state = PeerState.ACTIVE;
        overlay.snapshotFailure = null;
        control.leaves.set(0);
        control.progress = DrainProgress.NONE;
        overlay.predecessors = List.of(FakeOverlay.peer('3', 3), FakeOverlay.peer('1', 1));
        overlay.successors = List.of(FakeOverlay.peer('7', 7), FakeOverlay.peer('9', 2));
        overlay.knownPeers = List.of(FakeOverlay.peer('9', 2), FakeOverlay.peer('1', 1), FakeOverlay.peer('7', 7),
            FakeOverlay.peer('3', 3));
    }

    static MockHttpServletRequestBuilder as(String token, MockHttpServletRequestBuilder request) {
        return request.header("Authorization", "Bearer " + token);
    }

    @Test
    void peerStatus() throws Exception {
        mvc.perform(as(READ, get("/api/v1/peer")))
            .andExpect(status().isOk())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.nodeId").value("5".repeat(32)))
            .andExpect(jsonPath("$.state").value("ACTIVE"))
            .andExpect(jsonPath("$.address").value("127.0.0.5:6084"))
            .andExpect(jsonPath("$.predecessors[0].nodeId").value("3".repeat(32)))
            .andExpect(jsonPath("$.predecessors[0].address").value("127.0.0.3:6084"))
            .andExpect(jsonPath("$.predecessors[1].nodeId").value("1".repeat(32)))
            .andExpect(jsonPath("$.successors[0].nodeId").value("7".repeat(32)))
            .andExpect(jsonPath("$.successors.length()").value(2))
            .andExpect(jsonPath("$.fingers").value(2))
            .andExpect(jsonPath("$.knownPeers").value(4))
            .andExpect(jsonPath("$.uptimeSeconds").value(42));
    }

    @Test
    void overlayPeersSortedByIdWithSelf() throws Exception {
        mvc.perform(as(ADMIN, get("/api/v1/overlay/peers")))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.length()").value(5))
            .andExpect(jsonPath("$[*].nodeId").value(org.hamcrest.Matchers.contains(
                "1".repeat(32), "3".repeat(32), "5".repeat(32), "7".repeat(32), "9".repeat(32))))
            .andExpect(jsonPath("$[4].address").value("127.0.0.2:6084"));
    }

    @Test
    void noTokenIs401WithAChallenge() throws Exception {
        mvc.perform(get("/api/v1/peer"))
            .andExpect(status().isUnauthorized())
            .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"sipring\""))
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.status").value(401))
            .andExpect(jsonPath("$.detail").value("a bearer token is required"));
    }

    @Test
    void wrongTokenOrSchemeIs401(CapturedOutput output) throws Exception {
        mvc.perform(as("admin-token-012345678X", get("/api/v1/peer")))
            .andExpect(status().isUnauthorized())
            .andExpect(header().string("WWW-Authenticate", containsString("error=\"invalid_token\"")));
        mvc.perform(get("/api/v1/peer").header("Authorization", "Basic " + ADMIN))
            .andExpect(status().isUnauthorized());
        mvc.perform(post("/api/v1/peer/leave")).andExpect(status().isUnauthorized());
        assertThat(control.leaves).hasValue(0);
        assertThat(output.getAll()).doesNotContain("admin-token-0123456789").doesNotContain("admin-token-012345678X");
    }

    @Test
    void schemeIsCaseInsensitive() throws Exception {
        mvc.perform(get("/api/v1/peer").header("Authorization", "bearer " + READ)).andExpect(status().isOk());
    }

    @Test
    void readTokenCannotLeave() throws Exception {
        mvc.perform(as(READ, post("/api/v1/peer/leave")))
            .andExpect(status().isForbidden())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.status").value(403));
        assertThat(control.leaves).hasValue(0);
    }

    @Test
    void adminTokenLeaves() throws Exception {
        mvc.perform(as(ADMIN, post("/api/v1/peer/leave")))
            .andExpect(status().isAccepted())
            .andExpect(header().string("Location", "/api/v1/peer"))
            .andExpect(jsonPath("$.status").value("leaving"))
            .andExpect(jsonPath("$.previousState").value("ACTIVE"));
        assertThat(control.leaves).hasValue(1);
    }

    @Test
    void leavingTwiceAfterLeftIsAConflict() throws Exception {
        overlay.state = PeerState.LEFT;
        mvc.perform(as(ADMIN, post("/api/v1/peer/leave")))
            .andExpect(status().isConflict())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.detail").value("this peer has already left"));
        assertThat(control.leaves).hasValue(0);
    }

    @Test
    void anUnansweringOverlayIs503WithoutInternals() throws Exception {
        overlay.snapshotFailure = new IllegalStateException("driver thread is dead at Foo.java:12");
        mvc.perform(as(READ, get("/api/v1/peer")))
            .andExpect(status().isServiceUnavailable())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.title").value("Overlay unavailable"))
            .andExpect(content().string(not(containsString("Foo.java"))));
    }

    @Test
    void unknownPathsAndMethodsAreProblems() throws Exception {
        mvc.perform(as(READ, get("/api/v1/nothing-here")))
            .andExpect(status().isNotFound())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(as(ADMIN, org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/peer")))
            .andExpect(status().isMethodNotAllowed())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void readTokenMayNotDeleteEither() throws Exception {
        mvc.perform(as(READ, org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete("/api/v1/peer")))
            .andExpect(status().isForbidden());
    }

    @Test
    void drainStartsAndAnswers202WithTheProgress() throws Exception {
        control.progress = new DrainProgress(0, 0, 12, false);
        mvc.perform(as(ADMIN, post("/api/v1/peer/drain")))
            .andExpect(status().isAccepted())
            .andExpect(header().string("Location", "/api/v1/peer/drain"))
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
            .andExpect(jsonPath("$.state").value("DRAINING"))
            .andExpect(jsonPath("$.slotsMoved").value(0))
            .andExpect(jsonPath("$.bytesMoved").value(0))
            .andExpect(jsonPath("$.slotsTotal").value(12))
            .andExpect(jsonPath("$.handedOver").value(false));
        assertThat(control.leaves).hasValue(1);
    }

    @Test
    void drainingAgainAnswersWithTheRunningDrain() throws Exception {
        mvc.perform(as(ADMIN, post("/api/v1/peer/drain"))).andExpect(status().isAccepted());
        control.progress = new DrainProgress(5, 4096, 12, false);
        mvc.perform(as(ADMIN, post("/api/v1/peer/drain")))
            .andExpect(status().isAccepted())
            .andExpect(header().string("Location", "/api/v1/peer/drain"))
            .andExpect(jsonPath("$.state").value("DRAINING"))
            .andExpect(jsonPath("$.slotsMoved").value(5))
            .andExpect(jsonPath("$.bytesMoved").value(4096))
            .andExpect(jsonPath("$.slotsTotal").value(12));
        // PeerControl.leave() is idempotent (PeerLifecycle returns the running leave), so asking twice is safe
        assertThat(control.leaves).hasValue(2);
    }

    @Test
    void drainingALeftPeerIsAConflict() throws Exception {
        overlay.state = PeerState.LEFT;
        mvc.perform(as(ADMIN, post("/api/v1/peer/drain")))
            .andExpect(status().isConflict())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.title").value("Already left"))
            .andExpect(jsonPath("$.detail").value("this peer has already left"));
        assertThat(control.leaves).hasValue(0);
    }

    @Test
    void drainNeedsTheAdminToken() throws Exception {
        mvc.perform(post("/api/v1/peer/drain"))
            .andExpect(status().isUnauthorized())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(as(READ, post("/api/v1/peer/drain")))
            .andExpect(status().isForbidden())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
            .andExpect(jsonPath("$.detail").value("the read token cannot change anything; use the admin token"));
        assertThat(control.leaves).hasValue(0);
    }

    @Test
    void drainProgressIsReadable() throws Exception {
        mvc.perform(as(READ, get("/api/v1/peer/drain")))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.state").value("ACTIVE"))
            .andExpect(jsonPath("$.slotsMoved").value(0))
            .andExpect(jsonPath("$.bytesMoved").value(0))
            .andExpect(jsonPath("$.slotsTotal").value(0))
            .andExpect(jsonPath("$.handedOver").value(false));
        overlay.state = PeerState.LEFT;
        control.progress = new DrainProgress(12, 65536, 12, true);
        mvc.perform(as(ADMIN, get("/api/v1/peer/drain")))
            .andExpect(status().isOk())
            .andExpect(jsonPath("$.state").value("LEFT"))
            .andExpect(jsonPath("$.slotsMoved").value(12))
            .andExpect(jsonPath("$.bytesMoved").value(65536))
            .andExpect(jsonPath("$.slotsTotal").value(12))
            .andExpect(jsonPath("$.handedOver").value(true));
        mvc.perform(get("/api/v1/peer/drain")).andExpect(status().isUnauthorized());
        assertThat(control.leaves).hasValue(0);
    }

    @Test
    void drainStatusOfAnUnansweringOverlayIs503() throws Exception {
        overlay.snapshotFailure = new IllegalStateException("driver thread is dead");
        mvc.perform(as(READ, get("/api/v1/peer/drain")))
            .andExpect(status().isServiceUnavailable())
            .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(as(ADMIN, post("/api/v1/peer/drain"))).andExpect(status().isServiceUnavailable());
        assertThat(control.leaves).hasValue(0);
    }
}
