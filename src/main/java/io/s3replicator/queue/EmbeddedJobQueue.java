package io.s3replicator.queue;

import io.s3replicator.model.ConfigException;
import io.s3replicator.model.Job;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.Sha256;
import org.apache.camel.Exchange;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one-machine queue: Camel {@code seda:}, in memory and bounded (it blocks the diff when
 * full). Nothing is redelivered from it: Camel's redelivery retries a job in the process, and a
 * job that can never succeed goes to the dead-letter table of the state store ({@link DeadLetterJobs}).
 */
public class EmbeddedJobQueue implements JobQueue {
    private final String uri;
    private DeadLetterJobs deadLetters;
    /** Ids of the table's entries: a job that ends well removes its entry without a query per job. */
    private final Set<String> deadIds = ConcurrentHashMap.newKeySet();

    public EmbeddedJobQueue(String uri) {
        if (!uri.startsWith("seda:")) {
            throw new ConfigException("s3replicator.queue.uri",
                    "'" + uri + "' is not a seda: endpoint (for SQS set s3replicator.queue.kind=sqs)");
        }
        this.uri = uri;
    }

    /** Where jobs that failed for good are kept (the embedded store's dead-letter table). */
    public EmbeddedJobQueue keepDeadJobsIn(DeadLetterJobs table) {
        this.deadLetters = table;
        table.list(Integer.MAX_VALUE).forEach(e -> deadIds.add(e.id()));
        return this;
    }

    /**
     * One entry per job, whichever run or event queued it: the pair, operation, key and source
     * version; a message that is not a job is its own identity.
     */
    static String deadLetterId(String body) {
        try {
            return deadLetterId(JobCodec.fromJson(body));
        } catch (RuntimeException notAJob) {
            return Sha256.hex("message", String.valueOf(body));
        }
    }

    private static String deadLetterId(Job job) {
        return Sha256.hex("job", job.pairId(), job.operation().name(), job.key(), String.valueOf(job.etag()),
                String.valueOf(job.versionId()));
    }

    /** The message's entry id, without a JSON round trip when the in-memory queue carried the Job itself. */
    private static String deadLetterId(Exchange exchange) {
        return exchange.getIn().getBody() instanceof Job job ? deadLetterId(job)
                : deadLetterId(exchange.getIn().getBody(String.class));
    }

    @Override
    public String producerUri() {
        return uri;
    }

    @Override
    public String consumerUri(int concurrency) {
        // pollTimeout: an idle consumer wakes every 100 ms (default 1 s), and stopping waits for
        // that wake-up: a one-shot sync ended a second after its last job.
        return uri + (uri.contains("?") ? "&" : "?") + "concurrentConsumers=" + concurrency
                + (uri.contains("pollTimeout=") ? "" : "&pollTimeout=100");
    }

    @Override
    public void finished(Exchange exchange) {
        // Nothing to acknowledge (seda handed the message over when it was taken); a dead entry of this job goes.
        if (deadLetters != null && !deadIds.isEmpty()) {
            String id = deadLetterId(exchange);
            if (deadIds.remove(id)) {
                deadLetters.remove(id);
            }
        }
    }

    @Override
    public boolean canRetry(Exchange exchange) {
        return false;
    }

    @Override
    public void retryLater(Exchange exchange) {
        throw new IllegalStateException("the embedded queue does not redeliver");
    }

    @Override
    public void requeue(Exchange exchange, String body, java.time.Duration delay) {
        throw new IllegalStateException("one process serialises its keys itself: nothing waits for another worker");
    }

    @Override
    public void retryAfter(Exchange exchange, java.time.Duration delay) {
        throw new IllegalStateException("the embedded queue never delivers a message twice");
    }

    @Override
    public void reject(Exchange exchange, String pairId, String reason) {
        if (deadLetters == null) {
            return;
        }
        String body = exchange.getIn().getBody(String.class);
        String id = deadLetterId(exchange);
        deadLetters.add(id, pairId, reason, body == null || body.isEmpty() ? "(empty message)" : body);
        deadIds.add(id);
    }

    @Override
    public boolean redelivers() {
        return false;
    }
}
