package io.s3replicator.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.fieldnames.LogstashFieldNames;

import java.util.Map;

/**
 * The application's logging, set up in code (found by logback through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}): parsing an XML file cost a
 * one-shot command about 60 ms of its start. Logs go to stderr; stdout carries the command's own
 * output only. {@code LOG_FORMAT=json} (environment or -D) switches to one JSON object per line for
 * CloudWatch Logs Insights; the per-object line's pair/key/size/outcome/path/ms become fields. A file
 * named by {@code -Dlogback.configurationFile} still replaces all of this.
 */
public class LogConfiguration extends ContextAwareBase implements Configurator {
    /** The values of LOG_FORMAT. */
    public static final String TEXT = "text";
    public static final String JSON = "json";
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{0} - %msg%n";
    private static final Map<String, Level> LEVELS = Map.of(
            "io.s3replicator", Level.INFO,
            "org.apache.camel", Level.INFO,
            "org.quartz", Level.WARN,
            "software.amazon.awssdk", Level.WARN,
            "io.vertx", Level.WARN,
            "org.jolokia", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the user's own file
        }
        configure(context, System.getProperty("LOG_FORMAT", System.getenv("LOG_FORMAT")));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets {@code context} up for a LOG_FORMAT ({@link #TEXT} when null; an unknown one is refused before this). */
    public static void configure(LoggerContext context, String format) {
        // Logback's own status messages are never printed; the debug option prints them to stderr.
        NopStatusListener quiet = new NopStatusListener();
        context.getStatusManager().add(quiet);
        // The SDK signers log canonical requests (session tokens) at DEBUG: never let them through.
        SignerLogFilter signers = new SignerLogFilter();
        signers.setContext(context);
        signers.start();
        context.addTurboFilter(signers);

        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setTarget("System.err");
        console.setEncoder(JSON.equals(format) ? json(context) : text(context));
        console.start();
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
    }

    private static Encoder<ILoggingEvent> text(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        return encoder;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        // Version and level_value only add bytes per line.
        LogstashFieldNames names = new LogstashFieldNames();
        names.setVersion("[ignore]");
        names.setLevelValue("[ignore]");
        encoder.setFieldNames(names);
        encoder.setCustomFields("{\"service\":\"s3-replicator\"}");
        encoder.start();
        return encoder;
    }
}
