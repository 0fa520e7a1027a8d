package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.ReplicatorSettings;
import io.s3replicator.discover.inventory.InventoryDiff;
import io.s3replicator.discover.inventory.ManifestRef;
import io.s3replicator.record.RunAccounting;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.record.Units;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.queue.JobIdentity;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.S3Errors;
import io.s3replicator.transfer.ReplicaMarkers;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collections;
import java.util.Iterator;
import java.util.Map;

/**
 * Starts and ends one diff run of one pair; the route in {@link DiffRoute} streams the jobs.
 *
 * <p>Longer than 300 lines on purpose: a run's start (lease, listing choice: sequential,
 * parallel, inventory, only-keys) and its end (counts, marks taken back, lease released) share
 * the run's state, and each start has its end next to it.
 */
public class PairDiffer {
    public static final String PAIR_ID = "S3ReplicatorPairId";
    public static final String RUN_ID = "S3ReplicatorRunId";
    /** Optional: the only source keys (relative to the source prefix) this diff looks at, instead of listing everything. */
    public static final String ONLY_KEYS = "S3ReplicatorOnlyKeys";
    private static final String RUN = "S3ReplicatorRun";
    private static final String LEASED = "S3ReplicatorDiffLease";
    private static final String QUEUED_MARK = "S3ReplicatorQueuedMark";
    /** Set on a batch while its send is under way (see {@link RunStats#sendStarting}). */
    private static final String SEND_STARTED = "S3ReplicatorSendStarted";
    /** How long a failed diff waits for the batches it is still sending (an SQS request and its retries). */
    private static final java.time.Duration SENDS_UNDER_WAY_WAIT = java.time.Duration.ofSeconds(60);
    private static final String DIFF = "S3ReplicatorDiff";
    private static final Logger LOG = LoggerFactory.getLogger(PairDiffer.class);

    private final PairRegistry pairs;
    private final RunRegistry runs;
    private final S3Clients clients;
    private final ReplicatorSettings settings;
    private final DiffGuard guard;
    private RunAccounting accounting;
    private CopiedEtags copiedEtags;
    private java.util.function.Consumer<ReplicationPair> afterDiff = pair -> { };
    private OrderedDiff.Sorting sorting = OrderedDiff.Sorting.defaults();

    public PairDiffer(PairRegistry pairs, RunRegistry runs, S3Clients clients, ReplicatorSettings settings,
                      DiffGuard guard) {
        this.pairs = pairs;
        this.runs = runs;
        this.clients = clients;
        this.settings = settings;
        this.guard = guard;
    }

    /** Housekeeping after each diff this process ran (the sweep of abandoned uploads). */
    public void afterEachDiff(java.util.function.Consumer<ReplicationPair> action) {
        this.afterDiff = action;
    }

    /** Copies known by their destination ETag are in step without a job (multipart, SSE-KMS). */
    public void knowCopiesFrom(CopiedEtags copiedEtags) {
        this.copiedEtags = copiedEtags;
    }

    private int listingThreads = 1;
    private int listingDepth = 1;

    /**
     * List each diff this many ways at once ({@link ParallelDiff}), the key space split by folders down
     * to {@code depth}; 1 thread lists sequentially.
     */
    public PairDiffer listingInParallel(int threads, int depth) {
        this.listingThreads = Math.max(1, threads);
        this.listingDepth = Math.max(1, depth);
        return this;
    }

    /** Where listings that are not in key order are sorted (s3replicator.discover.sort-*). */
    public void sortingWith(OrderedDiff.Sorting value) {
        this.sorting = value;
    }

    /** Distributed mode: run completion and counts come from the shared state store. */
    public void accountFrom(RunAccounting accounting) {
        this.accounting = accounting;
    }

    /** Puts the job iterator in the body; the pair id comes from a header, the run id optionally too. */
    public void start(Exchange exchange) {
        ReplicationPair pair = pairs.get(exchange.getIn().getHeader(PAIR_ID, String.class));
        RunStats stats = runs.start(pair.id(), exchange.getIn().getHeader(RUN_ID, String.class));
        if (accounting != null) {
            stats.countedByStore();
        }
        exchange.setProperty(RUN, stats);
        stats.onComplete(() -> LOG.info("pair {}: run {} complete: {}", stats.pairId(), stats.runId(), describe(stats)));
        exchange.getIn().setHeader(RUN_ID, stats.runId());
        if (!guard.acquire(pair.id())) {
            LOG.info("pair {}: diff not started: a diff of this pair is still running (here, or on another replica"
                    + " holding the diff lease); its jobs are queued once", pair.id());
            stats.leaseHeldElsewhere();
            exchange.getIn().setBody(Collections.emptyIterator());
            return;
        }
        exchange.setProperty(LEASED, pair.id());
        LOG.info("pair {}: diff started ({} -> {}), run {}", pair.id(), pair.source(), pair.destination(), stats.runId());
        S3Client sourceClient = clients.client("source", pair.source().endpoint());
        S3Client destinationClient = clients.client("destination", pair.destination().endpoint());
        @SuppressWarnings("unchecked")
        java.util.List<String> onlyKeys = exchange.getIn().getHeader(ONLY_KEYS, java.util.List.class);
        if (onlyKeys != null) {
            java.util.List<String> sorted = onlyKeys.stream().distinct().sorted(KeyOrder::compare).toList();
            exchange.getIn().setBody(new DiffJoin(pair, stats,
                    new KeyListing(sourceClient, pair.source(), sorted, stats.sourceListed::add),
                    new KeyListing(destinationClient, pair.destination(), sorted, stats.destinationListed::add)));
            return;
        }
        ManifestRef manifest = exchange.getIn().getHeader(ManifestRef.HEADER, ManifestRef.class);
        if (manifest != null) {
            // An inventory report stands in for the source listing.
            S3Client reports = clients.client("inventory", manifest.endpoint());
            LOG.info("pair {}: reading inventory report {}", pair.id(), manifest.uri());
            InventoryDiff report = new InventoryDiff(pair, stats, manifest.read(reports), reports, destinationClient,
                    settings.listPageSize());
            // With listing threads, data files are joined that many at a time.
            exchange.getIn().setBody(listingThreads > 1
                    ? new ParallelDiff(pair.id(), report.perFile(), listingThreads) : report);
            return;
        }
        if (listingThreads > 1 && !pair.features().compareVersions()) {
            exchange.getIn().setBody(new ParallelDiff(pair, stats, sourceClient, destinationClient,
                    settings.listPageSize(), listingThreads, listingDepth, (s, d) -> true, copies(pair), sorting));
            return;
        }
        OrderedDiff.Lister destination = () -> new BucketListing(destinationClient, pair.destination(),
                settings.listPageSize(), stats.destinationListed::add);
        // Only a version listing carries version ids, so the check runs only when compareVersions is on.
        OrderedDiff.Lister source = () -> pair.features().compareVersions()
                ? new VersionListing(sourceClient, pair.source(), settings.listPageSize(), stats.sourceListed::add)
                : new BucketListing(sourceClient, pair.source(), settings.listPageSize(), stats.sourceListed::add);
        OrderedDiff diff = new OrderedDiff(pair, stats, source, destination, sorting,
                join -> join.comparingVersions((s, d) -> sameVersion(destinationClient, pair, d, s.versionId()))
                        .knowingCopies(copies(pair)));
        exchange.setProperty(DIFF, diff);
        exchange.getIn().setBody(diff);
    }

    private DiffJoin.CopyCheck copies(ReplicationPair pair) {
        return copiedEtags == null ? (s, d) -> false : (s, d) -> isCopyOf(pair, s, d);
    }

    /** A state store that cannot answer costs a job (the worker HEADs), never a wrong skip. */
    private boolean isCopyOf(ReplicationPair pair, ListedObject s, ListedObject d) {
        if (s.etag() == null || d.etag() == null) {
            return false;
        }
        try {
            return copiedEtags.isCopyOf(pair.destination().bucket(), d.key(), s.etag(), d.etag());
        } catch (RuntimeException e) {
            LOG.debug("pair {}: cannot read the copy record of {}: {}", pair.id(), d.key(), e.getMessage());
            return false;
        }
    }

    /** The destination copy's source-version-id marker names this version (one HEAD). */
    private static boolean sameVersion(S3Client destination, ReplicationPair pair, ListedObject d, String versionId) {
        try {
            var head = destination.headObject(b -> b.bucket(pair.destination().bucket()).key(d.key()));
            ReplicaMarkers.Trusted markers = ReplicaMarkers.read(head.metadata(), pair.destination().bucket(), d.key());
            return markers != null && versionId.equals(markers.sourceVersion());
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return false;
            }
            throw e;
        }
    }

    /** False for a job this diff must not queue: already queued, in flight or just done (distributed mode). */
    public boolean notYetQueued(Exchange exchange) {
        if (exchange.getProperty(RUN, RunStats.class).diffError() != null) {
            return false; // the run already failed: queue nothing more
        }
        Job job = exchange.getIn().getBody(Job.class);
        String identity = JobIdentity.of(pairs.get(job.pairId()), job);
        if (guard.markQueued(identity)) {
            exchange.setProperty(QUEUED_MARK, identity);
            return true;
        }
        exchange.getProperty(RUN, RunStats.class).alreadyQueued.increment();
        return false;
    }

    /**
     * A batch of jobs (a {@code List<Job>} body) about to be sent in one request: those already
     * queued, in flight or just done are dropped (one batched read of their marks), the rest are
     * kept for {@link #toMessages}. False when none is left to send.
     */
    public boolean notYetQueuedBatch(Exchange exchange) {
        RunStats stats = exchange.getProperty(RUN, RunStats.class);
        if (!stats.sendStarting()) {
            return false; // the run already failed: queue nothing more
        }
        exchange.setProperty(SEND_STARTED, true);
        @SuppressWarnings("unchecked")
        java.util.List<Job> jobs = exchange.getIn().getBody(java.util.List.class);
        Map<String, String> identityByJson = new java.util.LinkedHashMap<>();
        java.util.Set<String> queued;
        try {
            for (Job job : jobs) {
                identityByJson.put(JobCodec.toJson(job), JobIdentity.of(pairs.get(job.pairId()), job));
            }
            queued = guard.alreadyQueued(identityByJson.values());
        } catch (RuntimeException e) {
            batchOver(exchange); // nothing is sent: the failing diff must not wait for this batch
            throw e;
        }
        identityByJson.values().removeIf(queued::contains);
        stats.alreadyQueued.add(jobs.size() - identityByJson.size());
        exchange.setProperty(QUEUED_MARK, identityByJson);
        if (identityByJson.isEmpty()) {
            batchOver(exchange);
            return false;
        }
        return true;
    }

    /** The batch {@link #notYetQueuedBatch} let through is sent, or failed: its send is no longer under way. */
    public void batchOver(Exchange exchange) {
        if (exchange.removeProperty(SEND_STARTED) != null) {
            exchange.getProperty(RUN, RunStats.class).sendEnded();
        }
    }

    /** The body for the batch send: the JSON of the jobs {@link #notYetQueuedBatch} kept. */
    public void toMessages(Exchange exchange) {
        exchange.getIn().setBody(new java.util.ArrayList<>(exchange.getProperty(QUEUED_MARK, Map.class).keySet()));
    }

    /**
     * The batch was sent: the messages SQS took are counted and marked queued; any it refused fail
     * the diff (the marks of the others are still written).
     */
    public void emittedBatch(Exchange exchange) {
        @SuppressWarnings("unchecked")
        Map<String, String> identityByJson = exchange.getProperty(QUEUED_MARK, Map.class);
        SendMessageBatchResponse response = exchange.getIn().getBody(SendMessageBatchResponse.class);
        // Camel names the entries itself: the MD5 of each body SQS took tells which job it was.
        java.util.Set<String> taken = new java.util.HashSet<>();
        response.successful().forEach(e -> taken.add(e.md5OfMessageBody()));
        java.util.List<String> sent = new java.util.ArrayList<>();
        identityByJson.forEach((json, identity) -> {
            if (taken.contains(Md5.hex(json))) {
                sent.add(identity);
            }
        });
        guard.queuedAll(sent);
        RunStats stats = exchange.getProperty(RUN, RunStats.class);
        sent.forEach(s -> stats.jobEmitted());
        if (response.hasFailed() && !response.failed().isEmpty()) {
            var first = response.failed().get(0);
            throw new IllegalStateException("SQS refused " + response.failed().size() + " of " + identityByJson.size()
                    + " jobs: " + first.code() + ": " + first.message());
        }
    }

    /** The job could not be queued: take its mark back, or later diffs would skip it until the mark expires. */
    public void notQueued(Exchange exchange) throws Exception {
        String identity = exchange.getProperty(QUEUED_MARK, String.class);
        if (identity != null) {
            guard.unmark(identity);
        }
        throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /** The job is on the queue: counted, and its queued mark kept as long as the message can live. */
    public void emitted(Exchange exchange) {
        String identity = exchange.getProperty(QUEUED_MARK, String.class);
        if (identity != null) {
            guard.queued(identity);
        }
        exchange.getProperty(RUN, RunStats.class).jobEmitted();
    }

    public void finished(Exchange exchange) {
        release(exchange);
        RunStats stats = exchange.getProperty(RUN, RunStats.class);
        stats.diffFinished();
        if (stats.isLeaseHeldElsewhere() || stats.diffError() != null) {
            return;
        }
        if (accounting != null && !stats.isComplete()) {
            accounting.watch(stats);
        }
        LOG.info("pair {}: diff listed {} source and {} destination objects: {} jobs, {} in step, {} excluded, {} already queued",
                stats.pairId(), stats.sourceListed.sum(), stats.destinationListed.sum(), stats.emitted(),
                stats.inStep.sum(), stats.excluded.sum(), stats.alreadyQueued.sum());
        afterDiff.accept(pairs.get(stats.pairId()));
    }

    public void failed(Exchange exchange) throws InterruptedException {
        release(exchange);
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        RunStats stats = exchange.getProperty(RUN, RunStats.class);
        String reason = S3Errors.describe(e);
        if (stats != null && stats.diffError() != null) {
            // A job of the split failed after another already ended the run (parallel sends): said once.
            return;
        }
        if (stats != null) {
            if (!stats.stopSends(SENDS_UNDER_WAY_WAIT)) {
                LOG.warn("pair {}: jobs of the failed diff were still being queued after {} s", stats.pairId(),
                        SENDS_UNDER_WAY_WAIT.toSeconds());
            }
            if (stats.diffError() != null) {
                return; // another batch's failure, waiting beside this one, already said it
            }
            stats.diffFailed(reason);
            LOG.error("pair {}: diff failed after {} jobs: {}", stats.pairId(), stats.emitted(), reason);
        } else {
            LOG.error("diff could not start: {}", reason);
        }
    }

    private void release(Exchange exchange) {
        OrderedDiff diff = exchange.getProperty(DIFF, OrderedDiff.class);
        if (diff != null) {
            exchange.removeProperty(DIFF);
            diff.close();
        }
        String leased = exchange.getProperty(LEASED, String.class);
        if (leased != null) {
            exchange.removeProperty(LEASED);
            guard.release(leased);
        }
    }

    /** One line for the end of a run, for the log in {@code run} mode. */
    static String describe(RunStats s) {
        Map<String, Long> recorded = s.recordedOutcomes();
        if (!recorded.isEmpty()) {
            return String.format("copied %d, %sskipped %d, failed %d%s (state store, all workers) in %.1f s",
                    recorded.getOrDefault("COPIED", 0L),
                    recorded.getOrDefault("DELETED", 0L) > 0 ? "deleted " + recorded.get("DELETED") + ", " : "",
                    recorded.getOrDefault("SKIPPED", 0L), recorded.getOrDefault("FAILED", 0L),
                    s.unknownOutcomes() > 0 ? ", unknown " + s.unknownOutcomes() : "", s.elapsedSeconds());
        }
        return String.format("copied %d (%s), %sskipped %d, failed %d in %.1f s",
                s.copied.sum(), Units.bytes(s.copiedBytes.sum()),
                s.deleted.sum() > 0 ? "deleted " + s.deleted.sum() + ", " : "",
                s.skippedTotal(), s.failed.sum(), s.elapsedSeconds());
    }
}
