package org.sipring.peer.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sipring.peer.app.config.ApiProperties;
import org.sipring.peer.app.config.OverlayProperties;
import org.sipring.peer.app.config.PeerSettings;
import org.sipring.peer.app.config.PeerSettingsFactory;
import org.sipring.peer.app.config.StorageProperties;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Binding real property values and checking the one line a failed start-up reports. */
class StartupFailureAnalyzerTest {

    @TempDir
    Path dir;

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({OverlayProperties.class, StorageProperties.class, ApiProperties.class})
    static class SettingsOnly {
        @Bean
        PeerSettings peerSettings(OverlayProperties o, StorageProperties s, ApiProperties a) {
            return PeerSettingsFactory.build(o, s, a);
        }
    }

    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(SettingsOnly.class)
            .withPropertyValues("peer.overlay.listen=127.0.0.1:6084", "peer.overlay.tls.enabled=false",
                "peer.storage.dir=" + dir, "peer.api.admin-token=admin-token-0123456789");
    }

    /** The line reported for a start with these extra properties. */
    String reportedLine(String... properties) {
        String[] line = new String[1];
        runner().withPropertyValues(properties).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new StartupFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("analysis of %s", context.getStartupFailure()).isNotNull();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new OneLineFailureReporter(new PrintStream(out, true, StandardCharsets.UTF_8)).report(analysis);
            line[0] = out.toString(StandardCharsets.UTF_8);
        });
        assertThat(line[0]).endsWith(System.lineSeparator());
        assertThat(line[0].strip()).doesNotContain("\n").startsWith(OneLineFailureReporter.PREFIX);
        return line[0].strip().substring(OneLineFailureReporter.PREFIX.length());
    }

    @Test
    void validConfigurationStarts() {
        runner().run(context -> assertThat(context).hasNotFailed().hasSingleBean(PeerSettings.class));
    }

    @Test
    void unparsableDuration() {
        assertThat(reportedLine("peer.overlay.stabilize-interval=soon"))
            .isEqualTo("peer.overlay.stabilize-interval: 'soon' is not a duration such as 500ms, 5s or 1m");
    }

    @Test
    void unparsableNumberAndBoolean() {
        assertThat(reportedLine("peer.overlay.neighbors=many"))
            .isEqualTo("peer.overlay.neighbors: 'many' is not a whole number");
        assertThat(reportedLine("peer.overlay.tls.enabled=maybe"))
            .isEqualTo("peer.overlay.tls.enabled: 'maybe' is not true or false");
    }

    @Test
    void outOfRangeValue() {
        assertThat(reportedLine("peer.overlay.neighbors=2"))
            .isEqualTo("peer.overlay.neighbors: must be at least 3 (was '2')");
        assertThat(reportedLine("peer.overlay.link-threads=0"))
            .isEqualTo("peer.overlay.link-threads: must be at least 1 (was '0')");
    }

    @Test
    void malformedNodeId() {
        assertThat(reportedLine("peer.overlay.node-id=xyz"))
            .isEqualTo("peer.overlay.node-id: must be 32 hex digits (was 'xyz')");
    }

    @Test
    void missingListenAddress() {
        assertThat(reportedLine("peer.overlay.listen="))
            .isEqualTo("peer.overlay.listen: is required (host:port the overlay link listens on)");
    }

    @Test
    void semanticProblemFromTheSettingsFactory() {
        assertThat(reportedLine("peer.overlay.listen=127.0.0.1:99999"))
            .isEqualTo("peer.overlay.listen: port out of range: 99999");
        assertThat(reportedLine("peer.overlay.tls.enabled=true"))
            .isEqualTo("peer.overlay.tls.certificate: is required when peer.overlay.tls.enabled is true (a PEM file)");
    }

    @Test
    void misspeltSetting() {
        assertThat(reportedLine("peer.overlay.nieghbors=4"))
            .isEqualTo("peer.overlay.nieghbors: is not a known setting (misspelt?)");
        assertThat(reportedLine("peer.api.admin-tokn=x"))
            .isEqualTo("peer.api.admin-tokn: is not a known setting (misspelt?)");
    }

    @Test
    void foreignFailuresAreLeftToSpringBoot() {
        assertThat(new StartupFailureAnalyzer().analyze(new IllegalStateException("boom"))).isNull();
    }

    @Test
    void otherAnalysesAreFoldedIntoOneLine() {
        String line = OneLineFailureReporter.line(new FailureAnalysis("Web server failed to start.\nPort 8080 was already in use.",
            "Identify and stop the process\nthat listens on port 8080.", null));
        assertThat(line).isEqualTo(OneLineFailureReporter.PREFIX
            + "Web server failed to start. Port 8080 was already in use. (Identify and stop the process that listens on port 8080.)");
    }

    @Test
    void camelCaseFieldsBecomeKebabCase() {
        assertThat(StartupFailureAnalyzer.kebab("tls.privateKey")).isEqualTo("tls.private-key");
        assertThat(StartupFailureAnalyzer.kebab("nodeId")).isEqualTo("node-id");
    }
}
