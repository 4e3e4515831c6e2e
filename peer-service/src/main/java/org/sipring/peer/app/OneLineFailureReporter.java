package org.sipring.peer.app;

import java.io.PrintStream;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalysisReporter;

/**
 * Reports a failed start as one line on standard error, for any analysed failure (Spring Boot's
 * own multi-line report is switched off in the logging configuration). The stack trace stays out;
 * {@code --logging.level.org.springframework.boot.diagnostics=debug} shows it with Spring Boot's
 * full report.
 */
public final class OneLineFailureReporter implements FailureAnalysisReporter {

    static final String PREFIX = "sipring peer failed to start: ";

    private final PrintStream out;

    public OneLineFailureReporter() {
        this(System.err);
    }

    OneLineFailureReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void report(FailureAnalysis analysis) {
        out.println(line(analysis));
        out.flush();
    }

    static String line(FailureAnalysis analysis) {
        String description = oneLine(analysis.getDescription());
        String action = oneLine(analysis.getAction());
        boolean ours = StartupFailureAnalyzer.ACTION.equals(analysis.getAction());
        return PREFIX + description + (ours || action.isEmpty() ? "" : " (" + action + ")");
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }
}
