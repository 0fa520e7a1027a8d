package io.s3replicator.state.jdbc;

import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;

/**
 * Runs the JDBC retention sweep ({@link JdbcRetention}) on Camel's scheduler: a first pass soon
 * after start, then one per period. A failed pass is one warning; the next one tries again.
 */
public class RetentionRoute extends RouteBuilder {
    public static final String ROUTE_ID = "state-retention";
    private static final Logger LOG = LoggerFactory.getLogger(RetentionRoute.class);

    private final JdbcRetention retention;
    private final Duration firstAfter;
    private final Duration period;

    public RetentionRoute(JdbcRetention retention, Duration firstAfter, Duration period) {
        this.retention = retention;
        this.firstAfter = firstAfter;
        this.period = period;
    }

    @Override
    public void configure() {
        from("scheduler:" + ROUTE_ID + "?initialDelay=" + firstAfter.toMillis() + "&delay=" + period.toMillis())
                .routeId(ROUTE_ID)
                .process(exchange -> sweep());
    }

    private void sweep() {
        try {
            Map<String, Integer> deleted = retention.sweep();
            if (deleted.values().stream().anyMatch(n -> n > 0)) {
                LOG.info("state retention: deleted expired rows {}", deleted);
            }
        } catch (RuntimeException e) {
            LOG.warn("state retention sweep stopped (the next one tries again): {}", e.getMessage());
        }
    }
}
