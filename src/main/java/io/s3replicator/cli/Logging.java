package io.s3replicator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.util.StatusPrinter2;
import io.s3replicator.model.ConfigException;
import io.s3replicator.observe.LogConfiguration;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Set;

/** Log levels the command line sets: quiet for {@code sync}, chatty with -v / --debug. */
final class Logging {
    /** The values of LOG_FORMAT ({@link LogConfiguration}). */
    static final Set<String> FORMATS = Set.of(LogConfiguration.TEXT, LogConfiguration.JSON);

    private Logging() {
    }

    /** Sets a logger's level and returns the one it had (null: inherited). */
    static Level level(String logger, String level) {
        return set(logger, Level.toLevel(level));
    }

    static Level set(String logger, Level level) {
        Logger l = (Logger) LoggerFactory.getLogger(logger);
        Level previous = l.getLevel();
        l.setLevel(level);
        return previous;
    }

    /**
     * LOG_FORMAT (system property or environment variable, as {@link LogConfiguration} reads it) names a
     * format; any other value would leave the application without any log output.
     */
    static void checkFormat() {
        String format = System.getProperty("LOG_FORMAT", System.getenv("LOG_FORMAT"));
        if (format != null && !FORMATS.contains(format)) {
            throw new ConfigException("LOG_FORMAT", "'" + format + "' is not a log format (text or json)");
        }
    }

    /** Logback's own status messages (how it configured itself), which it otherwise never prints: --debug. */
    static void printStatus(PrintStream err) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            StatusPrinter2 printer = new StatusPrinter2();
            printer.setPrintStream(err);
            printer.print(context);
        }
    }
}
