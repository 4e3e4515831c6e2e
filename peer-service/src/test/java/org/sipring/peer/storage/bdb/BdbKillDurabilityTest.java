package org.sipring.peer.storage.bdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With write-no-sync commits and no background fsync, every commit acknowledged before the
 * process is killed with SIGKILL is there after recovery: a returned commit has reached the
 * operating system.
 */
class BdbKillDurabilityTest {

    private static final long ACKS_BEFORE_KILL = 2000;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedCommitSurvivesKillMinus9() throws Exception {
        Path store = dir.resolve("store");
        Path stderr = dir.resolve("probe.err");
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), DurabilityProbeMain.class.getName(), store.toString())
            .redirectError(stderr.toFile())
            .start();
        AckReader acks = new AckReader(probe);
        acks.start();
        try {
            await().atMost(Duration.ofSeconds(15))
                .until(() -> acks.last.get() >= ACKS_BEFORE_KILL - 1 || !probe.isAlive() || acks.failure.get() != null);
            assertThat(probe.isAlive()).as("probe still running; its stderr: %s", Files.readString(stderr)).isTrue();
            probe.destroyForcibly();
            assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();
            acks.join(10_000);
        } finally {
            probe.destroyForcibly();
        }
        assertThat(probe.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
        assertThat(acks.isAlive()).as("probe output read to its end").isFalse();
        assertThat(acks.failure.get()).isNull();
        long acked = acks.last.get() + 1;
        assertThat(acked).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        try (BdbDataStore reopened = BdbDataStore.open(TestStores.small(store))) {
            for (long i = 0; i < acked; i++) {
                assertThat(reopened.read(DurabilityProbeMain.slot(i).key())).as("commit %d", i)
                    .contains(DurabilityProbeMain.slot(i));
            }
            // commits that returned but whose ack line the kill cut off are there too: a prefix, no holes
            long stored = reopened.stats().slots();
            assertThat(stored).isGreaterThanOrEqualTo(acked);
            for (long i = acked; i < stored; i++) {
                assertThat(reopened.read(DurabilityProbeMain.slot(i).key())).as("unacknowledged commit %d", i)
                    .contains(DurabilityProbeMain.slot(i));
            }
            assertThat(reopened.duePurge(Long.MAX_VALUE, Integer.MAX_VALUE)).hasSize((int) reopened.stats().slots());
        }
    }

    /** Reads the probe's stdout to its end, checking that acks come in order from 0. */
    private static final class AckReader extends Thread {

        final AtomicLong last = new AtomicLong(-1);
        final AtomicReference<String> failure = new AtomicReference<>();
        private final Process probe;

        AckReader(Process probe) {
            super("probe-acks");
            setDaemon(true);
            this.probe = probe;
        }

        @Override
        public void run() {
            try (BufferedReader out = new BufferedReader(
                new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    List<String> parts = List.of(line.split(" "));
                    if (parts.size() != 2 || !parts.get(0).equals("acked")
                        || Long.parseLong(parts.get(1)) != last.get() + 1) {
                        failure.compareAndSet(null, "after ack " + last.get() + " unexpected line: " + line);
                        return;
                    }
                    last.incrementAndGet();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
