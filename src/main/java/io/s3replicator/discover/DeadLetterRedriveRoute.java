package io.s3replicator.discover;

import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.DeadLetterJobs;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * A job source for one machine: the dead jobs {@code dlq redrive} marked in the state store's
 * dead-letter table go back to the job queue (the SQS DLQ is redriven by the command itself).
 * Polled on Camel's scheduler, so a redrive reaches a replicator that is already running when
 * its state store is shared (JDBC, DynamoDB); an embedded H2 file is read at the next start.
 */
public class DeadLetterRedriveRoute extends RouteBuilder {
    public static final String ROUTE_ID = "dead-letter-redrive";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterRedriveRoute.class);
    /** Jobs taken per poll: the queue is bounded, and the rest wait for the next poll. */
    private static final int BATCH = 1_000;

    private final DeadLetterJobs deadLetters;
    private final String queueUri;
    private final Duration poll;

    public DeadLetterRedriveRoute(DeadLetterJobs deadLetters, String queueUri, Duration poll) {
        this.deadLetters = deadLetters;
        this.queueUri = queueUri;
        this.poll = poll;
    }

    @Override
    public void configure() {
        from("scheduler:" + ROUTE_ID + "?initialDelay=1000&delay=" + poll.toMillis())
                .routeId(ROUTE_ID)
                // A store that cannot be read now is one warning line, not a stack trace per poll.
                .onException(Exception.class).handled(true)
                    .log(org.apache.camel.LoggingLevel.WARN, LOG, "dead-letter redrive stopped (what it did not queue stays listed; the next poll tries again): ${exception.message}")
                .end()
                .process(e -> e.getIn().setBody(deadLetters.takeMarked(BATCH)))
                .split(body())
                    .process(this::asJob)
                    .to(queueUri)
                .end();
    }

    /**
     * The job as it failed, outside any run now (its run has ended): counted like an event's job.
     * A message that never was a job goes as it is, and back to the table.
     */
    private void asJob(Exchange exchange) {
        DeadLetterJobs.Entry entry = exchange.getIn().getBody(DeadLetterJobs.Entry.class);
        String body = entry.body();
        try {
            Job job = JobCodec.fromJson(body);
            body = JobCodec.toJson(job.outsideAnyRun());
        } catch (RuntimeException notAJob) {
            // sent unchanged
        }
        LOG.info("redriving a dead job of pair {} (failed {} time{}: {})", entry.pairId(), entry.failures(),
                entry.failures() == 1 ? "" : "s", entry.reason());
        exchange.getIn().setBody(body);
    }
}
