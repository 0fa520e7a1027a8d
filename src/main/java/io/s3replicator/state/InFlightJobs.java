package io.s3replicator.state;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

import java.time.Duration;

/**
 * The idempotent repository of jobs in flight, shared by every worker: the same job arriving
 * twice (from the diff and from an event, or on two workers) is copied once.
 *
 * <p>An entry has an owner and an expiry. {@code add} succeeds when there is no entry, when the
 * entry has expired (its worker died), or when it is only a diff's queued mark. The owner is one
 * receive of a job: the SQS message id and this exchange. A second receive of the same message
 * (a lost visibility extension, SQS's 12-hour ceiling) is therefore refused while the first one
 * runs: {@link #heldByAnotherReceive} tells it when to look again, and it takes the job over only
 * once the first receive's entry expired (its worker died and stopped renewing it). Entries held
 * by a live process are renewed in the background, so a long job keeps its entry. Only the owner
 * releases its entry ({@link #remove(Exchange, String)}).
 */
public interface InFlightJobs extends IdempotentRepository {
    /** The header camel-aws2-sqs sets to the SQS message id (same value on every redelivery). */
    String SQS_MESSAGE_ID = "CamelAwsSqsMessageId";

    /** Owner of an entry a diff wrote when it queued the job: any worker that receives the job takes it over. */
    String QUEUED = "queued";
    /** Owner of an entry whose job ended with the destination in step: a late duplicate is dropped until it expires. */
    String DONE = "done";
    /**
     * Exchange property: true when the job was not queued by a diff, so no queued mark waits for its
     * claim (an event's job, a redriven one): the claim is written as new first (see
     * {@link OwnedEntries#claim(String, String, long, boolean)}).
     */
    String NO_QUEUED_MARK = "S3ReplicatorNoQueuedMark";

    /**
     * A diff is about to queue this job: true (and the job is marked queued for a while) unless
     * a live entry says it is already queued, in flight or just done, so N diffs, or a diff
     * re-run while the queue still holds its jobs, enqueue each job once without ever waiting
     * for the queue to drain. Until {@link #queued} the mark lasts only the in-flight TTL: a
     * process that dies before sending the job leaves a mark no message will ever take over.
     */
    boolean markQueued(String key);

    /**
     * The job marked by {@link #markQueued} is on the queue: its mark now lasts as long as a
     * message can wait there (the queued window), unless a worker already took the job over.
     */
    void queued(String key);

    /**
     * For a diff that queues jobs in batches: the keys among {@code keys} that are already queued,
     * in flight or just done (one batched read, no write).
     */
    java.util.Set<String> alreadyQueued(java.util.Collection<String> keys);

    /**
     * The jobs of these keys are on the queue (sent in one batch, after {@link #alreadyQueued} found
     * them free): marked queued for the queued window, in few requests, unless a worker took one
     * already. Written after the send, so a crash in between leaves a job queued without a mark (a
     * later diff may queue it again; the workers' claims drop the duplicate), never a mark without a job.
     */
    void markAllQueued(java.util.Collection<String> keys);

    /** How long queued marks and finished jobs' keys last (s3replicator.state.queued-ttl, done-window). */
    void windows(Duration queuedTtl, Duration doneWindow);

    /** The job ended with the destination in step: keep the key a short while so late duplicates are dropped. */
    void done(String key);

    /**
     * A live entry is held by another receive of this exchange's SQS message, which may still be
     * running its job: the time until that entry expires unless renewed (look again then), else null.
     */
    Duration heldByAnotherReceive(Exchange exchange, String key);

    /** How long the live entry {@code key} lasts unless its holder renews it, or null when there is none. */
    Duration heldFor(String key);

    /**
     * The job's done mark is no longer true (its object was deleted since): drop the mark, but never a live
     * claim or a queued mark.
     */
    void forgetDone(String key);

    /**
     * As {@link #add(Exchange, String)} for a key no diff ever marks queued (a part of a fanned-out
     * upload, a destination key held across workers): written as new first.
     */
    default boolean addNew(Exchange exchange, String key) {
        return add(exchange, key);
    }

    /** A diff could not queue the job after all: take its queued mark back, never a worker's claim. */
    void unmarkQueued(String key);

    /** Who claims a job: one receive of its SQS message (message id, then this exchange), else this exchange. */
    static String ownerOf(Exchange exchange) {
        String sqs = exchange.getMessage().getHeader(SQS_MESSAGE_ID, String.class);
        return sqs != null ? messageOwnerPrefix(sqs) + exchange.getExchangeId() : "exchange:" + exchange.getExchangeId();
    }

    /** What the owners of every receive of one SQS message start with. */
    static String messageOwnerPrefix(String sqsMessageId) {
        return "sqs:" + sqsMessageId + "/";
    }
}
