package io.s3replicator.queue;

import org.apache.camel.Exchange;

/**
 * QUEUE: where jobs travel between discovery and the workers, and what happens to a message
 * when its job ends. The embedded queue ({@code seda:}) forgets a message once taken; SQS
 * deletes it only when the job finished or was deliberately skipped, retries it later after a
 * transient failure, and moves it to the DLQ (with the reason) when it can never succeed.
 */
public interface JobQueue {
    /**
     * Header the transfer route leaves on a job's exchange when the job ended failed for a reason
     * another attempt may cure (embedded mode): a sender that waited for the job (an S3 event
     * message) keeps its message for redelivery.
     */
    String RETRY_LATER = "S3ReplicatorRetryLater";

    /** Camel endpoint the diff (and the event route) send jobs to. */
    String producerUri();

    /** Camel endpoint the transfer route consumes, with {@code concurrency} jobs in hand at once. */
    String consumerUri(int concurrency);

    /** The job ended (copied, skipped, or failed for good and recorded): the message is done. */
    void finished(Exchange exchange);

    /** True if a transiently failed job may be delivered again (receives remain). */
    boolean canRetry(Exchange exchange);

    /**
     * The job failed and may succeed later (5xx, timeout, source changed mid-copy): offer the
     * message again after a delay. Call after the attempt is recorded: the next delivery may
     * start at once.
     */
    void retryLater(Exchange exchange);

    /**
     * Another receive of this same message still runs its job: offer the message again after
     * {@code delay} (not a failure: nothing is recorded). Only a queue that redelivers receives
     * a message twice.
     */
    void retryAfter(Exchange exchange, java.time.Duration delay);

    /**
     * The job must wait for another job (another worker writes its destination key): hand it back
     * as a new message {@code body} visible after {@code delay}, and end this one. Not a retry: it
     * uses up none of the message's receives, however long the other job takes.
     */
    void requeue(Exchange exchange, String body, java.time.Duration delay);

    /**
     * The message can never succeed (unparsable, unknown pair, permanent error, or out of
     * retries): keep it aside with the reason.
     *
     * @param pairId the job's pair, or null when the message is not a job
     */
    void reject(Exchange exchange, String pairId, String reason);

    /** True when a failed job is retried through the queue (redelivery), false when it ends at once. */
    boolean redelivers();

    /**
     * True when this message was received before (SQS at-least-once: a worker died, or its
     * visibility ran out): the job may already be done, so the destination is looked at first.
     */
    default boolean isRedelivery(Exchange exchange) {
        return false;
    }

    /**
     * Exchange property: a {@code CompletableFuture} completing when the job's outcome is durable in
     * the state store, when it is written in batches; the message is deleted only after it.
     */
    String DURABLE = "S3ReplicatorDurable";

    /**
     * Threads the transfer route hands received jobs to (a queue consumer that receives several
     * messages at once), or 0 when the consumer's own threads run the jobs.
     */
    default int handoffThreads(int concurrency) {
        return 0;
    }

    /** The endpoint that sends a list of jobs in one request, or null when jobs go one by one. */
    default String batchProducerUri() {
        return null;
    }

    /** How long a message can wait in the queue (SQS retention), or null when that is unbounded or moot. */
    default java.time.Duration messageLifetime() {
        return null;
    }
}
