package io.dataworks.core.logging;

import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLIs' logging, configured in code (found by logback as a {@link Configurator} service): one concise line per
 * event on stderr, {@code %mask} hiding connection-string passwords, the chatty libraries at WARN. Parsing the same
 * configuration from XML cost about a quarter of a second of every run's start (logback's XML reader and its model
 * classes); {@code docs/logback.xml} holds the XML form to copy and change.
 *
 * <p>It steps aside, so that logback reads the XML as usual, when {@code -Dlogback.configurationFile} is given or a
 * {@code logback-test.xml} or {@code logback.xml} is on the class path (tests, a user's own).
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class CliLogging extends ContextAwareBase implements Configurator {

    /** stderr, so that documents written to stdout (flexible-generator with output "-") stay clean. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %mask%n";

    /** The driver, Netty and the embedded server are chatty at INFO (every connection, every monitor event). */
    static final Map<String, Level> LEVELS = Map.of(
            "org.mongodb.driver", Level.WARN,
            "io.netty", Level.WARN,
            "de.bwaldvogel", Level.WARN,
            // the embedded server logs, at ERROR, every error it answers a client with (16500 throttling, duplicate
            // keys); the client classifies and counts those itself
            "de.bwaldvogel.mongo.wire.MongoWireProtocolHandler", Level.OFF,
            "de.bwaldvogel.mongo.backend", Level.OFF,
            "io.smallrye.config", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null || onClassPath("logback-test.xml") || onClassPath("logback.xml")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configureConsole(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The configuration itself, whatever is on the class path; package-private for tests. */
    static void configureConsole(LoggerContext context) {
        PatternLayout layout = new PatternLayout();
        layout.getInstanceConverterMap().put("mask", MaskingConverter::new);
        layout.setPattern(PATTERN);
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setLayout(layout);
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.setContext(context);
        console.start();
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
    }

    private static boolean onClassPath(String resource) {
        ClassLoader loader = CliLogging.class.getClassLoader();
        return loader != null && loader.getResource(resource) != null;
    }
}
