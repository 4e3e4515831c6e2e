package org.sipring.peer.storage.bdb;

import com.sleepycat.je.Environment;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A daemon thread that writes and fsyncs the database log every interval, so that with
 * write-no-sync commits a power loss takes back at most about one interval of commits.
 * Stopping never interrupts a flush in progress: the database treats an interrupted I/O as fatal.
 */
final class LogFlusher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LogFlusher.class.getName());

    private final Environment environment;
    private final ScheduledExecutorService timer;
    private boolean warned;

    LogFlusher(Environment environment, Duration interval) {
        this.environment = environment;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bdb-log-flush");
            t.setDaemon(true);
            return t;
        });
        long nanos = interval.toNanos();
        timer.scheduleWithFixedDelay(this::flush, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private void flush() {
        try {
            environment.flushLog(true);
            warned = false;
        } catch (RuntimeException e) {
            if (!warned) {
                LOG.log(Level.WARNING, "background fsync of the storage log failed; retrying every interval", e);
                warned = true;
            }
        }
    }

    /** Stops the timer and waits for a flush in progress to finish. */
    @Override
    public void close() {
        timer.shutdown();
        try {
            while (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "still waiting for the background fsync of the storage log to finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
