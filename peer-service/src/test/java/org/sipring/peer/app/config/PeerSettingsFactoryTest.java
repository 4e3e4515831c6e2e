package org.sipring.peer.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.admin.ApiTokens;
import org.sipring.peer.app.NodeIdStore;
import org.sipring.peer.overlay.PeerAddress;
import org.sipring.peer.overlay.id.NodeId;

class PeerSettingsFactoryTest {

    static final String ADMIN = "admin-token-0123456789";
    static final String READ = "read-token-0123456789";

    @TempDir
    Path dir;

    OverlayProperties overlay;
    StorageProperties storage;
    ApiProperties api;

    @BeforeEach
    void plainDefaults() {
        overlay = new OverlayProperties();
        overlay.setListen("127.0.0.1:6084");
        overlay.getTls().setEnabled(false);
        storage = new StorageProperties();
        storage.setDir(dir.resolve("data"));
        api = new ApiProperties();
        api.setAdminToken(ADMIN);
        api.setReadToken(READ);
    }

    PeerSettings build() {
        return PeerSettingsFactory.build(overlay, storage, api);
    }

    void fails(String property, String problemPart) {
        assertThatThrownBy(this::build).isInstanceOfSatisfying(InvalidPropertyException.class, e -> {
            assertThat(e.property()).isEqualTo(property);
            assertThat(e.getMessage()).startsWith(property + ": ").contains(problemPart).doesNotContain("\n");
        });
    }

    @Test
    void defaultsComeFromTheChordConfig() {
        PeerSettings s = build();
        assertThat(s.chord().overlayName()).isEqualTo("sipring.local");
        assertThat(s.chord().self()).isEqualTo(PeerAddress.parse("127.0.0.1:6084"));
        assertThat(s.chord().nodeId()).isEmpty();
        assertThat(s.chord().neighbors()).isEqualTo(5);
        assertThat(s.chord().fingers()).isEqualTo(16);
        assertThat(s.chord().reliabilityTimer()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.join().foundsOverlay()).isTrue();
        assertThat(s.link().tls()).isEmpty();
        assertThat(s.link().threads()).isEqualTo(2);
        assertThat(s.link().coalesceWrites()).isTrue();
        assertThat(s.link().maxMessageSize()).isEqualTo(s.chord().maxMessageSize());
        assertThat(Files.isDirectory(dir.resolve("data"))).isTrue();
        assertThat(s.tokens().roleOf(ADMIN)).isEqualTo(ApiTokens.Role.ADMIN);
        assertThat(s.tokens().roleOf(READ)).isEqualTo(ApiTokens.Role.READ);
        assertThat(s.tokens().toString()).doesNotContain(ADMIN).doesNotContain(READ);
    }

    @Test
    void tuningValuesOverrideDefaults() {
        overlay.setReliabilityTimer(Duration.ofMillis(500));
        overlay.setStabilizeInterval(Duration.ofSeconds(1));
        overlay.setFingerRefreshInterval(Duration.ofSeconds(2));
        overlay.setGossipInterval(Duration.ofMillis(700));
        overlay.setNeighbors(3);
        overlay.setFingers(32);
        overlay.setFullMembership(false);
        overlay.setLinkThreads(1);
        overlay.setLinkCoalesceWrites(false);
        overlay.setName("test.overlay");
        PeerSettings s = build();
        assertThat(s.chord().reliabilityTimer()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.chord().stabilizeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.chord().fingerRefreshInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.chord().gossipInterval()).isEqualTo(Duration.ofMillis(700));
        assertThat(s.chord().neighbors()).isEqualTo(3);
        assertThat(s.chord().fingers()).isEqualTo(32);
        assertThat(s.chord().fullMembership()).isFalse();
        assertThat(s.chord().overlayName()).isEqualTo("test.overlay");
        assertThat(s.link().threads()).isEqualTo(1);
        assertThat(s.link().coalesceWrites()).isFalse();
    }

    @Test
    void bootstrapListSkipsSelfAndDuplicates() {
        overlay.setBootstrap(List.of("127.0.0.2:6084", " 127.0.0.1:6084", "127.0.0.2:6084", "", "127.0.0.3:6085"));
        assertThat(build().join().bootstrap())
            .containsExactly(PeerAddress.parse("127.0.0.2:6084"), PeerAddress.parse("127.0.0.3:6085"));
    }

    @Test
    void badAddressesNameTheirProperty() {
        overlay.setListen("127.0.0.1:http");
        fails("peer.overlay.listen", "non-numeric port");
        overlay.setListen("0.0.0.0:6084");
        fails("peer.overlay.listen", "wildcard");
        overlay.setListen("127.0.0.1:6084");
        overlay.setBootstrap(List.of("127.0.0.2"));
        fails("peer.overlay.bootstrap", "not host:port");
    }

    @Test
    void badDurationsNameTheirProperty() {
        overlay.setReliabilityTimer(Duration.ofMillis(100));
        fails("peer.overlay.reliability-timer", "200ms");
        overlay.setReliabilityTimer(null);
        overlay.setStabilizeInterval(Duration.ZERO);
        fails("peer.overlay.stabilize-interval", "positive");
        overlay.setStabilizeInterval(null);
        overlay.setJoinRetryMax(Duration.ofMillis(10));
        fails("peer.overlay.join-retry-max", "join-retry-initial");
        overlay.setJoinRetryMax(null);
        overlay.setLinkDeadTimeout(Duration.ofSeconds(-1));
        fails("peer.overlay.link-dead-timeout", "positive");
    }

    @Test
    void linkDeadTimeoutAndRebalanceAreSettable() {
        assertThat(build().link().linkDeadTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(build().chord().rebalance()).isTrue();
        overlay.setLinkDeadTimeout(Duration.ofSeconds(10));
        overlay.setRebalance(false);
        assertThat(build().link().linkDeadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(build().chord().rebalance()).isFalse();
        overlay.setRebalance(true);
        overlay.setNodeId("0123456789abcdef0123456789abcdef");
        assertThat(build().chord().rebalance()).as("a configured Node-ID stays put").isFalse();
    }

    @Test
    void persistedNodeIdIsReusedAndAConfiguredOneWins() {
        NodeId persisted = NodeId.fromHex("0123456789abcdef0123456789abcdef");
        new NodeIdStore(dir.resolve("data")).save(persisted);
        assertThat(build().chord().nodeId()).contains(persisted);

        overlay.setNodeId("FEDCBA9876543210FEDCBA9876543210");
        assertThat(build().chord().nodeId()).contains(NodeId.fromHex("fedcba9876543210fedcba9876543210"));

        overlay.setNodeId("f".repeat(32));
        fails("peer.overlay.node-id", "wildcard");
    }

    @Test
    void aCorruptNodeIdFileStopsStartUp() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/node-id"), "not an id\n");
        fails("peer.storage.dir", "does not hold a Node-ID");
    }

    @Test
    void dataDirMustBeADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        storage.setDir(file);
        fails("peer.storage.dir", "plain-file");
    }

    @Test
    void tlsNeedsReadablePemFiles() throws IOException {
        overlay.getTls().setEnabled(true);
        fails("peer.overlay.tls.certificate", "required when peer.overlay.tls.enabled is true");

        Path cert = Files.writeString(dir.resolve("peer.crt"), "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n");
        Path pkcs1 = Files.writeString(dir.resolve("peer.rsa"), "-----BEGIN RSA PRIVATE KEY-----\nAA==\n");
        Path pkcs8 = Files.writeString(dir.resolve("peer.key"), "-----BEGIN PRIVATE KEY-----\nAA==\n");
        overlay.getTls().setCertificate(cert);
        overlay.getTls().setPrivateKey(dir.resolve("missing.key"));
        fails("peer.overlay.tls.private-key", "cannot read");
        overlay.getTls().setPrivateKey(pkcs1);
        fails("peer.overlay.tls.private-key", "openssl pkcs8 -topk8");
        overlay.getTls().setPrivateKey(pkcs8);
        overlay.getTls().setCa(pkcs8);
        fails("peer.overlay.tls.ca", "no PEM CERTIFICATE");
        overlay.getTls().setCa(cert);
        assertThat(build().link().tls()).contains(new TlsFiles(cert, pkcs8, cert));
    }

    @Test
    void tokensAreRequiredLongAndDistinct() {
        api.setAdminToken(null);
        fails("peer.api.admin-token", "is required");
        api.setAdminToken("short");
        fails("peer.api.admin-token", "too short");
        api.setAdminToken("has a space in it 0123");
        fails("peer.api.admin-token", "printable ASCII");
        api.setAdminToken(ADMIN);
        api.setReadToken(ADMIN);
        fails("peer.api.read-token", "must differ");
        api.setReadToken("");
        assertThat(build().tokens().roleOf(READ)).isEqualTo(ApiTokens.Role.NONE);
    }
}
