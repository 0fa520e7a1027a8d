package io.s3replicator.state.jdbc;

import io.s3replicator.state.JobResult;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The sweep runs by itself in a Camel context, on the scheduler. */
class RetentionRouteTest {
    @Test
    void the_route_sweeps_expired_job_results_on_its_schedule() throws Exception {
        JdbcConnectionPool db = JdbcConnectionPool.create("jdbc:h2:mem:retention-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1", "sa", "");
        try (CamelContext camel = new DefaultCamelContext()) {
            Clock longAgo = Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC);
            JdbcJobStore jobs = new JdbcJobStore(db, longAgo);
            jobs.recordResult(new JobResult("old", "p", "k", "k", "COPY", JobResult.Outcome.COPIED, null, "e", null, 1,
                    "relay", 1));
            jobs.recordResult(new JobResult("new", "p", "k", "k", "COPY", JobResult.Outcome.COPIED, null, "e", null, 1,
                    "relay", 1));
            new JdbcJobStore(db).recordResult(new JobResult("new", "p", "k", "k", "COPY", JobResult.Outcome.COPIED,
                    null, "e", null, 1, "relay", 1));
            JdbcRetention retention = new JdbcRetention(db, Duration.ofDays(30), Duration.ofMinutes(10),
                    Clock.systemUTC());
            camel.addRoutes(new RetentionRoute(retention, Duration.ZERO, Duration.ofMillis(100)));
            camel.start();

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!jobs.outcomeCounts("old").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(jobs.outcomeCounts("old")).as("swept").isEmpty();
            assertThat(jobs.outcomeCounts("new")).as("attempted again just now").containsEntry("COPIED", 1L);
        } finally {
            db.dispose();
        }
    }
}
