package org.sipring.peer.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A peer started with a bad setting exits non-zero after one line naming the setting, no stack trace. */
class StartupConfigIT {

    static final String PREFIX = "sipring peer failed to start: ";
    static LocalCluster cluster;

    @BeforeAll
    static void cluster() {
        cluster = LocalCluster.plain("StartupConfigIT");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--peer.overlay.listen=127.0.0.1:notaport | peer.overlay.listen: '127.0.0.1:notaport' has a non-numeric port",
        "--peer.overlay.stabilize-interval=soon   | peer.overlay.stabilize-interval: 'soon' is not a duration",
        "--peer.overlay.neighbors=2               | peer.overlay.neighbors: must be at least 3",
        "--peer.overlay.nieghbors=4               | peer.overlay.nieghbors: is not a known setting",
        "--peer.overlay.tls.enabled=true          | peer.overlay.tls.certificate: is required when peer.overlay.tls.enabled is true",
        "--peer.sip.enabled=true                  | peer.sip.domains: is required",
        "--peer.sip.listen=0.0.0.0:5060           | peer.sip.listen: '0.0.0.0:5060' is a wildcard address",
    })
    void badSettingStopsStartUpWithOneLine(String argument, String expected) {
        List<String> args = argument.startsWith("--peer.overlay.tls.")
            ? List.of(argument) : List.of("--peer.overlay.tls.enabled=false", argument);
        PeerProcess peer = cluster.startRaw(1, args.toArray(String[]::new));
        assertThat(peer.waitForExit(Duration.ofSeconds(90))).as("%s exits", peer).isTrue();
        assertThat(peer.process().exitValue()).as("exit code").isNotZero();

        List<String> lines = peer.logText().lines().toList();
        assertThat(lines.stream().filter(l -> l.startsWith(PREFIX)).toList()).as("failure lines in %s", peer.logFile())
            .singleElement().satisfies(l -> assertThat(l).startsWith(PREFIX + expected));
        assertThat(lines).as("no stack trace in %s", peer.logFile())
            .noneMatch(l -> l.matches("\\s+at [\\w.$]+\\(.*"))
            .noneMatch(l -> l.startsWith("Caused by"))
            .noneMatch(l -> l.contains("APPLICATION FAILED TO START"));
    }
}
