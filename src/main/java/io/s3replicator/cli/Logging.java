package io.s3replicator.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log levels the command line sets: quiet for {@code sync}, chatty with -v / --debug. */
final class Logging {
    private Logging() {
    }

    static void level(String logger, String level) {
        ((Logger) LoggerFactory.getLogger(logger)).setLevel(Level.toLevel(level));
    }
}
