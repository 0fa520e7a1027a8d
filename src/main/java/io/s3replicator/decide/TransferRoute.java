package io.s3replicator.decide;

import io.s3replicator.transfer.DestinationKeyLocks;
import io.s3replicator.transfer.DestinationPrecondition;
import io.s3replicator.transfer.FanOut;
import io.s3replicator.transfer.Failures;
import io.s3replicator.transfer.MultipartRoute;
import io.s3replicator.transfer.ObjectCopier;
import io.s3replicator.transfer.TransferExchange;
import io.s3replicator.transfer.TransferOutcome;

import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobIdentity;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.record.JobRecorder;
import io.s3replicator.state.JobResult.Outcome;
import io.s3replicator.store.S3Errors;
import org.apache.camel.CamelExchangeException;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import io.s3replicator.state.InFlightJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * QUEUE -> DECIDE -> TRANSFER -> RECORD: consumes JSON jobs, drops a job whose twin is
 * already in flight (idempotent repository keyed on destination + key + source ETag),
 * transfers it, and records exactly one outcome per job, failures included.
 *
 * <p>The repository guards jobs <em>in flight</em>: its key is removed when the job ends,
 * so a later diff can copy the object again if the destination loses it. A late duplicate
 * is still cheap: the copier sees the destination's source-etag marker and skips.
 *
 * <p>Longer than 300 lines on purpose: the route, its error handling and the release of what a
 * job holds (in-flight claim, key lock, key hold) are one lifecycle; each hold is taken and
 * given back here, in the same file.
 */
public class TransferRoute extends RouteBuilder {
    /** The dead-letter channel of the transfer route. */
    static final String DEAD_LETTER = "direct:transfer-dead-letter";
    static final String JOB = TransferExchange.JOB;
    static final String PAIR = TransferExchange.PAIR;
    static final String IDEMPOTENT_KEY = "S3ReplicatorIdempotentKey";
    static final String KEY_OWNER = "S3ReplicatorKeyOwner";
    /** The destination key this job holds in {@link DestinationKeyLocks}. */
    static final String KEY_LOCK = "S3ReplicatorKeyLock";
    /** The in-flight entry by which this job holds its destination key across workers (multipart, distributed). */
    static final String KEY_LEASE = "S3ReplicatorKeyLease";
    /** Longest a job waits for another worker's job on its key before it looks again. */
    private static final Duration KEY_WAIT = Duration.ofSeconds(10);
    static final String STARTED = "S3ReplicatorStarted";
    /** The route's id: Camel's in-flight repository counts its exchanges under it. */
    public static final String ROUTE_ID = "transfer";
    /** The {@link TransferOutcome} of the job, set by whichever path copied it. */
    static final String OUTCOME = TransferExchange.OUTCOME;
    /** The {@link DestinationPrecondition} the plan saw, when it looked at the destination. */
    static final String DESTINATION_SEEN = TransferExchange.DESTINATION_SEEN;
    private static final Logger LOG = LoggerFactory.getLogger(TransferRoute.class);

    private final JobQueue queue;
    private final int concurrency;
    private final PairRegistry pairs;
    private final ObjectCopier copier;
    private final JobRecorder recorder;
    private final InFlightJobs inFlight;
    private final long multipartThreshold;
    private final JobPlanner planner;
    private DestinationKeyLocks keyLocks = new DestinationKeyLocks();
    private Redelivery redelivery = Redelivery.NONE;
    private CopiedEtags copiedEtags;
    private long copyThreshold = -1;

    /** @param planner the DECIDE step between the in-flight check and the copy */
    public TransferRoute(JobQueue queue, int concurrency, PairRegistry pairs, JobPlanner planner, ObjectCopier copier,
                         JobRecorder recorder, InFlightJobs inFlight, long multipartThreshold) {
        this.planner = planner;
        this.multipartThreshold = multipartThreshold;
        this.queue = queue;
        this.concurrency = concurrency;
        this.pairs = pairs;
        this.copier = copier;
        this.recorder = recorder;
        this.inFlight = inFlight;
    }

    /** Embedded mode's redelivery of a transiently failed job: attempts after the first, and the first delay. */
    public record Redelivery(int attempts, Duration firstDelay) {
        public static final Redelivery NONE = new Redelivery(0, Duration.ZERO);
    }

    /** @param locks the process's destination key locks, shared with whatever must not touch a key being written */
    public TransferRoute withKeyLocks(DestinationKeyLocks locks) {
        this.keyLocks = locks;
        return this;
    }

    /**
     * @param copyThreshold server-side copies above this size go multipart (UploadPartCopy); up to
     *                      it one CopyObject, which keeps the source's ETag and costs one request
     */
    public TransferRoute withCopyThreshold(long copyThreshold) {
        this.copyThreshold = copyThreshold;
        return this;
    }

    /** @param copiedEtags where a copy whose ETag differs from its source's is recorded, for the diff */
    public TransferRoute withCopiedEtags(CopiedEtags copiedEtags) {
        this.copiedEtags = copiedEtags;
        return this;
    }

    /** @param redelivery Camel redelivery for transient failures when the queue does not redeliver (embedded) */
    public TransferRoute withRedelivery(Redelivery redelivery) {
        this.redelivery = redelivery;
        return this;
    }

    @Override
    public void configure() {
        RouteDefinition route = from(queue.consumerUri(concurrency)).routeId(ROUTE_ID);
        // One retry policy per layer (README, "Retries"): the SDK retries a request; a job is retried by
        // SQS in distributed mode and by Camel's redelivery on one machine; a job that can never
        // succeed (or is out of retries) goes to the dead-letter channel: the SQS DLQ, or the embedded
        // store's dead-letter table. The channel gets the message as received (the job's JSON).
        route.errorHandler(deadLetterChannel(DEAD_LETTER).deadLetterHandleNewException(false).useOriginalMessage()
                .logExhausted(false).logStackTrace(false).logRetryAttempted(false));
        if (queue.redelivers()) {
            // Receives left: record the attempt and let SQS deliver the message again after a delay.
            route.onException(Exception.class)
                    .onWhen(e -> Failures.isTransient(cause(e.getException())) && queue.canRetry(e))
                    .handled(true).process(this::retryThroughQueue).end();
        } else if (redelivery.attempts() > 0) {
            // Camel redelivers the failed step (copy, multipart resume, plan) with exponential backoff;
            // with no output of its own, the exhausted job continues to the dead-letter channel.
            route.onException(Exception.class).onWhen(e -> Failures.isTransient(cause(e.getException())))
                    .maximumRedeliveries(redelivery.attempts())
                    .redeliveryDelay(redelivery.firstDelay().toMillis()).useExponentialBackOff().backOffMultiplier(2)
                    .useCollisionAvoidance().maximumRedeliveryDelay(60_000)
                    .retryAttemptedLogLevel(org.apache.camel.LoggingLevel.DEBUG).end();
        }
        from(DEAD_LETTER).routeId("transfer-dead-letter").process(this::deadLetter);
        // A part job of an object fanned out across workers: moved on this worker's part slots, never queued
        // behind whole jobs (some of which wait for parts), and never recorded as a job of its own.
        route.filter(FanOut::isPartJob).to(MultipartRoute.PART_ENDPOINT).stop().end();
        int handoff = queue.handoffThreads(concurrency);
        // A consumer that receives several jobs at once hands each to a pool of `concurrency` threads; a full
        // pool runs the next one on the consumer's thread, so it polls again only when it can start more.
        ProcessorDefinition<?> start = handoff <= 0 ? route : route.threads(handoff, handoff).maxQueueSize(handoff)
                .rejectedPolicy(ThreadPoolRejectedPolicy.CallerRuns).threadName("transfer");
        start
            .process(this::parse)
            .idempotentConsumer(exchangeProperty(IDEMPOTENT_KEY), inFlight).eager(true).skipDuplicate(false)
            .choice()
                .when(exchangeProperty(Exchange.DUPLICATE_MESSAGE).isEqualTo(true))
                    .process(this::duplicate)
                .otherwise()
                    .setProperty(KEY_OWNER, constant(true))
                    // One job per destination key at a time; released when the job's outcome is recorded.
                    .process(this::lockDestinationKey)
                    // DECIDE (stale events, versions, deletes, two-way); may settle the job with an outcome.
                    .process(e -> planner.plan(e))
                    .choice()
                        .when(exchangeProperty(OUTCOME).isNotNull())
                            .log(org.apache.camel.LoggingLevel.TRACE, "planned: ${exchangeProperty." + OUTCOME + "}")
                        .when(this::needsMultipart)
                            .to(MultipartRoute.ENDPOINT)
                        .otherwise()
                            .process(this::transfer)
                    .end()
                    .process(this::recordOutcome)
                    .process(queue::finished)
            .end();
    }

    /**
     * Waits at most {@code timeout} until no job is being transferred in this process. A job counts
     * as done once its outcome is recorded, and its exchange ends a moment later (the record's
     * write-behind batch); Camel's shutdown would look for such stragglers only once a second.
     */
    public static void awaitIdle(org.apache.camel.CamelContext context, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (context.getInflightRepository().size(ROUTE_ID) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /**
     * Jobs of one pair being transferred now in this process, from Camel's in-flight repository
     * (browsing must be on: {@link org.apache.camel.spi.InflightRepository#setInflightBrowseEnabled}).
     */
    public static long inFlight(org.apache.camel.CamelContext context, String pairId) {
        return context.getInflightRepository().browse(ROUTE_ID).stream()
                .map(i -> i.getExchange().getProperty(JOB, Job.class))
                .filter(job -> job != null && pairId.equals(job.pairId()))
                .count();
    }

    private void parse(Exchange exchange) {
        exchange.setProperty(STARTED, System.nanoTime());
        Job job = JobCodec.of(exchange.getIn());
        if (job.reason() == Job.Reason.MISSING && queue.isRedelivery(exchange)) {
            // Received before: the first delivery may have copied it. Look before moving any bytes.
            job = job.withReason(Job.Reason.MAYBE_MISSING);
        }
        exchange.setProperty(JOB, job);
        ReplicationPair pair = pairs.get(job.pairId());
        exchange.setProperty(PAIR, pair);
        exchange.setProperty(IDEMPOTENT_KEY, JobIdentity.of(pair, job));
        if (!"DIFF".equals(job.origin()) || job.runId() == null) {
            // An event's job, or one queued outside any run (redriven): no diff marked it queued.
            exchange.setProperty(InFlightJobs.NO_QUEUED_MARK, true);
        }
    }

    /**
     * The in-flight repository refused the job. Another receive of this same message may still be
     * running it (a lost visibility extension, SQS's 12-hour ceiling): then neither run it beside
     * that receive nor delete the message it may still need; look again once that receive's entry
     * would expire. Any other holder (a twin from the diff or an event, a done mark) makes it a duplicate.
     */
    private void duplicate(Exchange exchange) {
        Duration wait = inFlight.heldByAnotherReceive(exchange, exchange.getProperty(IDEMPOTENT_KEY, String.class));
        if (wait != null) {
            LOG.debug("job received again while another receive of its message holds it; looking again in {} s",
                    wait.toSeconds());
            queue.retryAfter(exchange, wait);
            return;
        }
        record(exchange, Outcome.SKIPPED, "duplicate of a job in flight", 0, null);
        planner.duplicate(exchange);
        queue.finished(exchange);
    }

    private void lockDestinationKey(Exchange exchange) throws InterruptedException {
        ReplicationPair pair = exchange.getProperty(PAIR, ReplicationPair.class);
        Job job = exchange.getProperty(JOB, Job.class);
        String key = DestinationKeyLocks.keyOf(pair, pair.destinationKey(job.key()));
        if (keyLocks.acquire(key) && job.reason() == Job.Reason.MISSING) {
            // The job before it wrote this key: look at the destination before sending anything.
            job = job.withReason(Job.Reason.MAYBE_MISSING);
            exchange.setProperty(JOB, job);
        }
        exchange.setProperty(KEY_LOCK, key);
        if (queue.redelivers() && needsMultipart(exchange)) {
            holdKeyAcrossWorkers(exchange, key, job);
        }
    }

    /**
     * Distributed mode, large objects: another worker may be writing this key (another version, or
     * another run's job of the same one). Two such jobs side by side send every part twice and one
     * may abort the other's upload, so the key is held in the shared in-flight store while the job
     * runs; a job that finds it held goes back to the queue as a new message and looks again
     * shortly. Single-request copies skip this (two more writes per object): their conditional
     * final write settles any overlap.
     */
    private void holdKeyAcrossWorkers(Exchange exchange, String key, Job job) {
        String lease = "key#" + io.s3replicator.state.Sha256.hex(key);
        if (inFlight.addNew(exchange, lease)) {
            exchange.setProperty(KEY_LEASE, lease);
            return;
        }
        Duration held = inFlight.heldFor(lease);
        Duration wait = held == null || held.compareTo(KEY_WAIT) > 0 ? KEY_WAIT : held;
        // The other job may have copied it by then: look at the destination before sending any part.
        Job again = job.reason() == Job.Reason.MISSING ? job.withReason(Job.Reason.MAYBE_MISSING) : job;
        LOG.debug("{}: another worker's job is writing it; looking again in {} s", job.key(), wait.toSeconds());
        queue.requeue(exchange, JobCodec.toJson(again), wait);
        keyLocks.release(exchange.getProperty(KEY_LOCK, String.class));
        exchange.removeProperty(KEY_LOCK);
        inFlight.remove(exchange, exchange.getProperty(IDEMPOTENT_KEY, String.class));
        exchange.removeProperty(KEY_OWNER);
        exchange.setRouteStop(true);
    }

    /** Copies above the threshold go multipart; the size seen at discovery decides. */
    public boolean needsMultipart(Exchange exchange) {
        Job job = exchange.getProperty(JOB, Job.class);
        ReplicationPair pair = exchange.getProperty(PAIR, ReplicationPair.class);
        long threshold = pair.serverSideCopy() && copyThreshold > 0 ? copyThreshold : multipartThreshold;
        return job.operation() == Job.Operation.COPY && isMultipart(job.size(), threshold);
    }

    /** Strictly above the threshold: an object of exactly the threshold is still one request. */
    public static boolean isMultipart(long size, long threshold) {
        return size > threshold;
    }

    private void transfer(Exchange exchange) {
        ReplicationPair pair = exchange.getProperty(PAIR, ReplicationPair.class);
        Job job = exchange.getProperty(JOB, Job.class);
        exchange.setProperty(OUTCOME, copier.transfer(pair, job,
                exchange.getProperty(DESTINATION_SEEN, DestinationPrecondition.class)));
    }

    private void recordOutcome(Exchange exchange) {
        TransferOutcome outcome = exchange.getProperty(OUTCOME, TransferOutcome.class);
        if (copiedEtags != null && outcome.copy() != null && outcome.copy().etagsDiffer()) {
            ReplicationPair pair = exchange.getProperty(PAIR, ReplicationPair.class);
            Job job = exchange.getProperty(JOB, Job.class);
            try {
                copiedEtags.copied(pair.destination().bucket(), pair.destinationKey(job.key()),
                        outcome.copy().sourceEtag(), outcome.copy().destinationEtag());
            } catch (RuntimeException e) {
                // Only an optimisation lost: the next diff looks at this object with a HEAD.
                LOG.warn("pair {}: ETag of the copy of {} not recorded: {}", pair.id(), job.key(), e.getMessage());
            }
        }
        record(exchange, outcome.outcome(), outcome.reason(), outcome.bytes(), outcome.path(),
                outcome.destinationEtag());
    }

    /**
     * Failure classes (README, "Many workers", Failures): a message that is not a job goes to the DLQ at once;
     * a transient failure is retried through the queue while receives remain; anything else is
     * recorded as FAILED and, in distributed mode, kept in the DLQ with its reason.
     */
    /** A transient failure with receives left (distributed): recorded, then offered again by the queue. */
    private void retryThroughQueue(Exchange exchange) {
        Throwable e = cause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        LOG.debug("job failed; the queue delivers it again", e);
        // Recorded (and the in-flight key released) before the message is offered again.
        record(exchange, Outcome.RETRYING, S3Errors.describe(e), 0, null);
        queue.retryLater(exchange);
    }

    /** The dead-letter channel: the job failed for good (or is no job at all); recorded, then kept aside by the queue. */
    private void deadLetter(Exchange exchange) {
        Throwable e = cause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        String reason = S3Errors.describe(e);
        if (exchange.getProperty(PAIR) == null) {
            // Poison: unparsable, or a pair this process does not serve. Nothing to record it against.
            Job job = exchange.getProperty(JOB, Job.class);
            LOG.error("not a runnable job: {}", reason);
            queue.reject(exchange, job == null ? null : job.pairId(), reason);
            return;
        }
        LOG.debug("job failed", e);
        record(exchange, Outcome.FAILED, reason, 0, null);
        if (Failures.isTransient(e)) {
            exchange.getIn().setHeader(JobQueue.RETRY_LATER, true);
        }
        queue.reject(exchange, exchange.getProperty(JOB, Job.class).pairId(), reason);
    }

    /** A failed part arrives wrapped by the split: the part's own failure is the reason. */
    private static Throwable cause(Throwable e) {
        while (e instanceof CamelExchangeException && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private void record(Exchange exchange, Outcome outcome, String reason, long bytes, String path) {
        record(exchange, outcome, reason, bytes, path, null);
    }

    private void record(Exchange exchange, Outcome outcome, String reason, long bytes, String path,
                        String destinationEtag) {
        Job job = exchange.getProperty(JOB, Job.class);
        ReplicationPair pair = exchange.getProperty(PAIR, ReplicationPair.class);
        long millis = (System.nanoTime() - exchange.getProperty(STARTED, Long.class)) / 1_000_000;
        try {
            // The message is deleted only once this is durable (a first copy's record may wait for its batch).
            exchange.setProperty(JobQueue.DURABLE, recorder.record(job, pair.destinationKey(job.key()), outcome, reason,
                    bytes, path, millis, destinationEtag, !queue.isRedelivery(exchange)));
        } finally {
            String lease = exchange.getProperty(KEY_LEASE, String.class);
            if (lease != null) {
                exchange.removeProperty(KEY_LEASE);
                inFlight.remove(exchange, lease);
            }
            String lockedKey = exchange.getProperty(KEY_LOCK, String.class);
            if (lockedKey != null) {
                exchange.removeProperty(KEY_LOCK);
                keyLocks.release(lockedKey);
            }
            if (Boolean.TRUE.equals(exchange.getProperty(KEY_OWNER))) {
                String key = exchange.getProperty(IDEMPOTENT_KEY, String.class);
                if (outcome == Outcome.COPIED || (outcome == Outcome.SKIPPED && TransferOutcome.isInStep(reason))) {
                    // In step now: a duplicate arriving in the next minutes is dropped without a request.
                    // Other skips (stale event, newer destination, loop guard, deletes) say nothing of that.
                    inFlight.done(key);
                } else {
                    inFlight.remove(exchange, key); // only this receive's entry: one that took the job over keeps it
                }
                exchange.removeProperty(KEY_OWNER);
            }
        }
    }
}
