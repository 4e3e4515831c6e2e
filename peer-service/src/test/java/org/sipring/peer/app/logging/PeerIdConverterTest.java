package org.sipring.peer.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeerIdConverterTest {

    @AfterEach
    void reset() {
        PeerIdConverter.set(null);
    }

    static String format(String message) {
        LoggerContext context = new LoggerContext();
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        layout.getInstanceConverterMap().put("peer", PeerIdConverter::new);
        layout.setPattern("[%peer] %m");
        layout.start();
        Logger logger = context.getLogger("test");
        return layout.doLayout(new LoggingEvent(Logger.FQCN, logger, Level.INFO, message, null, null));
    }

    @Test
    void dashesUntilTheIdIsKnownThenEightHexDigits() throws Exception {
        assertThat(format("a")).isEqualTo("[--------] a");
        PeerIdConverter.set("0123456789abcdef0123456789abcdef");
        assertThat(format("b")).isEqualTo("[01234567] b");
        // Visible from any thread, without an MDC.
        String other = CompletableFuture.supplyAsync(() -> format("c")).get(5, TimeUnit.SECONDS);
        assertThat(other).isEqualTo("[01234567] c");
    }
}
