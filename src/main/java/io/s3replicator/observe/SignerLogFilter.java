package io.s3replicator.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops the AWS SDK signers' DEBUG output whatever the log levels say: it prints the canonical
 * request, which holds the session token (x-amz-security-token) of temporary credentials.
 */
public class SignerLogFilter extends TurboFilter {
    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (level != null && !level.isGreaterOrEqual(Level.INFO) && logger.getName().startsWith("software.amazon.awssdk")
                && logger.getName().toLowerCase(java.util.Locale.ROOT).contains("signer")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
