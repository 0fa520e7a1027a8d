package io.s3replicator.discover;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.s3replicator.state.DeadLetterJobs;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The redrive poll: marked entries go to the queue as jobs outside their run, and a store that
 * cannot be read is one warning line per poll, with the next poll trying again.
 */
class DeadLetterRedriveRouteTest {

    /** Fails its first take, then hands over one marked entry once. */
    static final class FlakyTable implements DeadLetterJobs {
        final AtomicInteger takes = new AtomicInteger();

        @Override
        public List<Entry> takeMarked(int max) {
            if (takes.incrementAndGet() == 1) {
                throw new IllegalStateException("state store unreachable");
            }
            return takes.get() == 2 ? List.of(new Entry("id", Instant.EPOCH, "p",
                    "403", "{\"pairId\":\"p\",\"runId\":\"r1\",\"operation\":\"COPY\",\"key\":\"k\",\"size\":1,"
                    + "\"etag\":\"e\",\"origin\":\"DIFF\",\"reason\":\"MISSING\",\"firstSeen\":0}", 1, true)) : List.of();
        }

        @Override
        public void add(String id, String pairId, String reason, String body) {
        }

        @Override
        public List<Entry> list(int max) {
            return List.of();
        }

        @Override
        public int markForRedrive(int max) {
            return 0;
        }

        @Override
        public void remove(String id) {
        }
    }

    @Test
    void a_failed_poll_is_one_warning_and_the_next_queues_the_marked_job_outside_its_run() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DeadLetterRedriveRoute.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        FlakyTable table = new FlakyTable();
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new DeadLetterRedriveRoute(table, "mock:queue", Duration.ofMillis(100)));
            camel.start();
            MockEndpoint queue = camel.getEndpoint("mock:queue", MockEndpoint.class);
            queue.expectedMessageCount(1);
            queue.setResultWaitTime(10_000);
            queue.assertIsSatisfied();

            String job = queue.getExchanges().get(0).getIn().getBody(String.class);
            assertThat(job).contains("\"key\":\"k\"").doesNotContain("r1").contains("MAYBE_MISSING");
        } finally {
            logger.detachAppender(logged);
        }
        List<ILoggingEvent> warnings = logged.list.stream().filter(e -> e.getLevel().toString().equals("WARN")).toList();
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getFormattedMessage()).isEqualTo("dead-letter redrive stopped (what it did not queue"
                + " stays listed; the next poll tries again): state store unreachable");
        assertThat(warnings.get(0).getThrowableProxy()).isNull();
    }
}
