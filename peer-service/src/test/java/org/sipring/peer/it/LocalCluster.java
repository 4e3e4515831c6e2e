package org.sipring.peer.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Real peers on 127.0.0.1, 127.0.0.2, ... of this machine, each a {@code java -jar} process, for
 * one test class. Logs go to {@code target/it-logs/<test>/}, data directories to
 * {@code target/it-data/<test>/}. Every process still running is stopped by {@link #close()},
 * and killed if the test JVM itself exits.
 */
public final class LocalCluster implements AutoCloseable {

    /** Fast timers and a small neighbour table, so the tests see the ring repair within seconds. */
    public static final int NEIGHBORS = 3;
    public static final List<String> FAST_OVERLAY = List.of("--peer.overlay.reliability-timer=500ms",
        "--peer.overlay.stabilize-interval=1s", "--peer.overlay.finger-refresh-interval=2s",
        "--peer.overlay.gossip-interval=1s", "--peer.overlay.neighbors=" + NEIGHBORS, "--peer.overlay.link-threads=1",
        "--peer.overlay.join-retry-initial=250ms", "--peer.overlay.join-retry-max=2s",
        "--server.undertow.threads.worker=2", "--spring.lifecycle.timeout-per-shutdown-phase=15s",
        "--peer.storage.cache-size=16MB");

    private final String testName;
    private final Path jar;
    private final Path projectRoot;
    private final Path logDir;
    private final Path dataDir;
    private final boolean tls;
    private final List<PeerProcess> all = new ArrayList<>();
    private final Map<Integer, Integer> starts = new java.util.HashMap<>();
    private final Thread killer;

    private LocalCluster(String testName, boolean tls) {
        this.testName = testName;
        this.tls = tls;
        this.jar = Path.of(required("sipring.peer.jar"));
        this.projectRoot = Path.of(System.getProperty("sipring.root", "..")).toAbsolutePath().normalize();
        Path target = jar.toAbsolutePath().getParent();
        this.logDir = target.resolve("it-logs").resolve(testName);
        this.dataDir = target.resolve("it-data").resolve(testName);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it with ./mvnw -B package");
        }
        deleteTree(dataDir);
        deleteTree(logDir);
        if (tls) {
            makePki();
        }
        this.killer = new Thread(() -> all.forEach(p -> p.process().destroyForcibly()), "kill-peers-" + testName);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Peers over plain TCP. */
    public static LocalCluster plain(String testName) {
        return new LocalCluster(testName, false);
    }

    /** Peers over TLS with certificates of a development CA (scripts/dev-ca.sh). */
    public static LocalCluster withTls(String testName) {
        return new LocalCluster(testName, true);
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (the failsafe configuration sets it)");
        }
        return v;
    }

    public Path dataDir(int n) {
        return dataDir.resolve("peer" + n);
    }

    /** The development CA's files (ca.crt, peerN.crt, peerN.key) of a {@link #withTls} cluster. */
    public Path pkiDir() {
        return dataDir.resolve("pki");
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * Starts peer {@code n} on 127.0.0.n with a data directory of its own (kept across restarts of
     * the same n), joining through {@code bootstrap} (none: it founds the overlay).
     */
    public PeerProcess start(int n, List<PeerProcess> bootstrap, String... extraArgs) {
        if (n < 1 || n > 254) {
            throw new IllegalArgumentException("peer number 1..254");
        }
        String host = "127.0.0." + n;
        List<String> args = new ArrayList<>(FAST_OVERLAY);
        args.add("--peer.storage.dir=" + dataDir(n));
        args.add("--peer.overlay.tls.enabled=" + tls);
        if (tls) {
            Path pki = dataDir.resolve("pki");
            args.add("--peer.overlay.tls.certificate=" + pki.resolve("peer" + n + ".crt"));
            args.add("--peer.overlay.tls.private-key=" + pki.resolve("peer" + n + ".key"));
            args.add("--peer.overlay.tls.ca=" + pki.resolve("ca.crt"));
        }
        if (!bootstrap.isEmpty()) {
            args.add("--peer.overlay.bootstrap=" + String.join(",", bootstrap.stream().map(PeerProcess::overlayAddress).toList()));
        }
        args.addAll(List.of(extraArgs));
        int run = starts.merge(n, 1, Integer::sum);
        Path log = logDir.resolve("peer" + n + (run > 1 ? "-run" + run : "") + ".log");
        PeerProcess p = PeerProcess.start(jar, "peer" + n, host, freePort(host), freePort(host), log, args);
        synchronized (all) {
            all.add(p);
        }
        return p;
    }

    /** Starts a process with arbitrary arguments that is expected to fail; see {@link PeerProcess#waitForExit}. */
    public PeerProcess startRaw(int n, String... args) {
        String host = "127.0.0." + n;
        int run = starts.merge(n, 1, Integer::sum);
        Path log = logDir.resolve("peer" + n + (run > 1 ? "-run" + run : "") + ".log");
        List<String> all0 = new ArrayList<>(List.of("--peer.storage.dir=" + dataDir(n)));
        all0.addAll(List.of(args));
        PeerProcess p = PeerProcess.start(jar, "peer" + n, host, freePort(host), freePort(host), log, all0);
        synchronized (all) {
            all.add(p);
        }
        return p;
    }

    /**
     * Waits until every given peer is ACTIVE and its successor and predecessor lists are exactly
     * those of the ring of their ids; returns that ring.
     */
    public static Ring awaitRing(List<PeerProcess> live, Duration timeout) {
        List<PeerStatus> last = new ArrayList<>();
        String[] problem = {""};
        try {
            await("ring of " + live.size() + " peers").atMost(timeout).pollInterval(Duration.ofMillis(500))
                .until(() -> ringMatches(live, last, problem));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the ring did not converge within " + timeout.toSeconds() + " s: " + problem[0], e);
        }
        return new Ring(last.stream().map(PeerStatus::nodeId).toList());
    }

    private static boolean ringMatches(List<PeerProcess> live, List<PeerStatus> last, String[] problem) {
        last.clear();
        for (PeerProcess p : live) {
            var s = p.tryStatus();
            if (s.isEmpty() || !s.get().isActive()) {
                problem[0] = p.name() + " is " + s.map(PeerStatus::state).orElse("not answering");
                return false;
            }
            last.add(s.get());
        }
        Ring ring = new Ring(last.stream().map(PeerStatus::nodeId).toList());
        if (ring.ids().size() != live.size()) {
            problem[0] = "two peers share a Node-ID: " + last;
            return false;
        }
        for (PeerStatus s : last) {
            String m = ring.mismatch(s, NEIGHBORS);
            if (m != null) {
                problem[0] = m;
                return false;
            }
        }
        return true;
    }

    private static int freePort(String host) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private void makePki() {
        Path pki = dataDir.resolve("pki");
        Path script = projectRoot.resolve("scripts/dev-ca.sh");
        try {
            Files.createDirectories(pki);
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder("bash", script.toString(), pki.toString(), "50").redirectErrorStream(true)
                .redirectOutput(logDir.resolve("dev-ca.log").toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(script + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }

    /** Stops every peer still running: gracefully in parallel, then by force. */
    @Override
    public void close() {
        List<PeerProcess> running;
        synchronized (all) {
            running = all.stream().filter(PeerProcess::isAlive).toList();
        }
        running.forEach(p -> p.process().destroy());
        for (PeerProcess p : running) {
            if (!p.waitForExit(Duration.ofSeconds(30))) {
                p.kill();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return "LocalCluster[" + testName + (tls ? ", TLS" : "") + "]";
    }
}
