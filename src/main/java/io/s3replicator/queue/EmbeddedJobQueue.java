package io.s3replicator.queue;

import io.s3replicator.model.ConfigException;
import org.apache.camel.Exchange;

/**
 * The one-machine queue: Camel {@code seda:}, in memory and bounded (it blocks the diff when
 * full). A failed job is recorded and not retried here: the next diff finds the object again.
 */
public class EmbeddedJobQueue implements JobQueue {
    private final String uri;

    public EmbeddedJobQueue(String uri) {
        if (!uri.startsWith("seda:")) {
            throw new ConfigException("s3replicator.queue.uri",
                    "'" + uri + "' is not a seda: endpoint (for SQS set s3replicator.queue.kind=sqs)");
        }
        this.uri = uri;
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
        // Nothing to acknowledge: seda handed the message over when it was taken.
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
        // No DLQ in memory: the FAILED record, or the error line of a message that is not a job, is what is kept.
    }

    @Override
    public boolean redelivers() {
        return false;
    }
}
