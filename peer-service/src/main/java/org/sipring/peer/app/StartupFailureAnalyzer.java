package org.sipring.peer.app;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sipring.peer.app.config.PeerStartupException;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.convert.ConversionFailedException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Turns the start-up failures an operator can fix (bad or missing properties, an unusable data
 * directory, a port in use) into one line naming the property and the problem. Runs before Spring
 * Boot's own analyzers.
 */
public final class StartupFailureAnalyzer implements FailureAnalyzer, Ordered {

    static final String ACTION = "Fix the setting (--name=value, environment variable or application.yml) and start again.";

    private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");

    @Override
    public FailureAnalysis analyze(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PeerStartupException p) {
                return new FailureAnalysis(p.getMessage(), ACTION, p);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException b && b.getName().toString().startsWith("peer.")) {
                return new FailureAnalysis(describe(b), ACTION, b);
            }
        }
        return null;
    }

    private static String describe(BindException b) {
        UnboundConfigurationPropertiesException unbound = find(b, UnboundConfigurationPropertiesException.class);
        if (unbound != null && !unbound.getUnboundProperties().isEmpty()) {
            return unbound.getUnboundProperties().stream().map(p -> p.getName().toString()).sorted().findFirst()
                .orElseThrow() + ": is not a known setting (misspelt?)";
        }
        if (b.getCause() instanceof BindValidationException v) {
            for (ObjectError error : v.getValidationErrors()) {
                if (error instanceof FieldError f) {
                    String name = v.getValidationErrors().getName() + "." + kebab(f.getField());
                    Object value = f.getRejectedValue();
                    return name + ": " + f.getDefaultMessage()
                        + (value == null || value.toString().isEmpty() ? "" : " (was '" + value + "')");
                }
                return v.getValidationErrors().getName() + ": " + error.getDefaultMessage();
            }
        }
        String name = b.getProperty() != null ? b.getProperty().getName().toString() : b.getName().toString();
        Object value = b.getProperty() != null ? b.getProperty().getValue() : null;
        String shown = value == null ? "" : "'" + value + "' ";
        ConversionFailedException conversion = find(b, ConversionFailedException.class);
        if (conversion != null) {
            return name + ": " + shown + "is not " + expected(conversion.getTargetType().getType());
        }
        Throwable root = b;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return name + ": " + shown + "cannot be used (" + root.getMessage() + ")";
    }

    private static String expected(Class<?> type) {
        if (type == java.time.Duration.class) {
            return "a duration such as 500ms, 5s or 1m";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == java.nio.file.Path.class) {
            return "a file system path";
        }
        return "a valid " + type.getSimpleName().toLowerCase(Locale.ROOT);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    static String kebab(String field) {
        Matcher m = CAMEL.matcher(field);
        return m.replaceAll("$1-$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
