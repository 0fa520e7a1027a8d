package io.s3replicator.wiring;

import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.config.ReplicatorSettings;

import io.s3replicator.config.PairRegistry;

import io.s3replicator.model.ConfigException;

import io.s3replicator.discover.DiffGuard;
import io.s3replicator.decide.EventDecider;
import io.s3replicator.decide.EventOrder;
import io.s3replicator.discover.DiffRoute;
import io.s3replicator.discover.EventRoute;
import io.s3replicator.discover.EventRoutes;
import io.s3replicator.discover.inventory.InventoryRoutes;
import io.s3replicator.transfer.AbandonedUploads;
import io.s3replicator.transfer.DestinationKeyLocks;
import io.s3replicator.decide.JobPlanner;
import io.s3replicator.decide.ObjectDeleter;
import software.amazon.awssdk.services.sqs.SqsClient;
import io.s3replicator.discover.PairDiffer;
import io.s3replicator.record.ObjectReports;
import io.s3replicator.record.RunAccounting;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.discover.DeadLetterRedriveRoute;
import io.s3replicator.queue.SqsQueues;
import io.s3replicator.queue.SqsJobQueue;
import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.JobRecorder;
import io.s3replicator.state.jdbc.RetentionRoute;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.store.S3Clients;
import io.s3replicator.transfer.MultipartCopier;
import io.s3replicator.transfer.MultipartRoute;
import io.s3replicator.transfer.ObjectCopier;
import io.s3replicator.transfer.PartRetry;
import io.s3replicator.transfer.FanOut;
import io.s3replicator.transfer.PartSlots;
import io.s3replicator.state.StateSettings;
import io.s3replicator.decide.TransferRoute;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The pipeline: the routes of each stage (discover: diff, events, inventory, redrive; decide and
 * transfer; record: retention), over the beans {@link StoreConfiguration},
 * {@link StateConfiguration}, {@link QueueConfiguration} and {@link ObserveConfiguration} bind.
 * Pairs arrive as templated routes ({@code run}) or are registered by the CLI ({@code sync}).
 */
public class ReplicatorConfiguration implements CamelConfiguration {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplicatorConfiguration.class);
    /** Every configuration class of the replicator, in the order Camel Main is given them. */
    public static final List<Class<? extends CamelConfiguration>> ALL = List.of(StoreConfiguration.class,
            StateConfiguration.class, QueueConfiguration.class, ObserveConfiguration.class, ReplicatorConfiguration.class);

    /** Registry name of the SQS client the event routes read with (the job queue's, in distributed mode). */
    static final String SQS_CLIENT = SqsJobQueue.CLIENT_BEAN;
    @PropertyInject(value = "s3replicator.discover.listing-threads", defaultValue = "1")
    private int listingThreads;
    @PropertyInject(value = "s3replicator.discover.listing-depth", defaultValue = "2")
    private int listingDepth;
    @PropertyInject(value = "s3replicator.discover.sort-run-entries", defaultValue = "50000")
    private int sortRunEntries;
    @PropertyInject(value = "s3replicator.discover.sort-dir", defaultValue = "default")
    private String sortDir;
    @PropertyInject(value = "s3replicator.diff.send-threads", defaultValue = "8")
    private int sendThreads;
    @PropertyInject(value = "s3replicator.diff.lease-ttl", defaultValue = "300")
    private long diffLeaseTtlSeconds;
    @PropertyInject(value = "s3replicator.sqs.endpoint", defaultValue = "default")
    private String sqsEndpoint;
    @PropertyInject(value = "s3replicator.sqs.region", defaultValue = "default")
    private String sqsRegion;
    @PropertyInject(value = "s3replicator.events.wait-seconds", defaultValue = "20")
    private int eventsWaitSeconds;
    @PropertyInject(value = "s3replicator.events.batch", defaultValue = "10")
    private int eventsBatch;
    @PropertyInject(value = "s3replicator.events.consumers", defaultValue = "1")
    private int eventsConsumers;
    @PropertyInject(value = "s3replicator.inventory.poll-seconds", defaultValue = "300")
    private double inventoryPollSeconds;
    @PropertyInject(value = "s3replicator.transfer.abandoned-upload-age", defaultValue = "86400")
    private long abandonedUploadAgeSeconds;
    @PropertyInject(value = "s3replicator.transfer.retries", defaultValue = "3")
    private int transferRetries;
    @PropertyInject(value = "s3replicator.transfer.retry-delay", defaultValue = "1")
    private long transferRetryDelaySeconds;

    @PropertyInject(value = "s3replicator.dead-letters.redrive-poll", defaultValue = "60")
    private long deadLetterPollSeconds;
    @PropertyInject(value = "s3replicator.transfer.fan-out-above", defaultValue = "0")
    private long fanOutAbove;

    @Override
    public void configure(CamelContext context) throws Exception {
        context.getTypeConverterRegistry().addTypeConverter(String.class, Job.class, JobCodec.AS_TEXT);
        // The beans of the other configuration classes (store, state, queue, observe), built on first lookup.
        ReplicatorSettings settings = Beans.get(context, Beans.SETTINGS, ReplicatorSettings.class);
        S3Clients clients = Beans.get(context, Beans.S3_CLIENTS, S3Clients.class);
        StateBackend state = Beans.get(context, Beans.STATE, StateBackend.class);
        JobQueue queue = Beans.get(context, Beans.JOB_QUEUE, JobQueue.class);
        Duration queuedTtl = Beans.get(context, Beans.QUEUED_MARK_TTL, Duration.class);
        ReplicatorMetrics metrics = Beans.get(context, Beans.METRICS, ReplicatorMetrics.class);
        RunRegistry runs = Beans.get(context, Beans.RUNS, RunRegistry.class);
        PairRegistry pairs = Beans.get(context, Beans.PAIRS, PairRegistry.class);
        ObjectReports reports = Beans.get(context, Beans.REPORTS, ObjectReports.class);

        context.addStartupListener(new PairLoader(pairs, clients, reports));
        // Many workers on one queue: one diff per pair at a time (a lease, when the state is shared)
        // and no job queued twice (a mark per job). One machine needs neither.
        DiffGuard guard = !queue.redelivers() ? DiffGuard.none()
                : new DiffGuard(state.clearInFlightAtStart() ? null : state.leases(), state.inFlight(),
                        Duration.ofSeconds(diffLeaseTtlSeconds));
        Beans.closeOnStop(context, guard);
        PairDiffer differ = new PairDiffer(pairs, runs, clients, settings, guard)
                .listingInParallel(listingThreads, listingDepth);
        differ.knowCopiesFrom(state.copiedEtags());
        if (sortRunEntries < 1) {
            throw new ConfigException("s3replicator.discover.sort-run-entries", sortRunEntries + " is below 1");
        }
        differ.sortingWith(new io.s3replicator.discover.OrderedDiff.Sorting(sortRunEntries, "default".equals(sortDir)
                ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(sortDir)));
        if (state.retention() != null) {
            // DynamoDB expires items by TTL; a JDBC store is swept: first a minute after start, then hourly.
            context.addRoutes(new RetentionRoute(state.retention(), Duration.ofMinutes(1), Duration.ofHours(1)));
        }
        if (queue.redelivers() && !state.clearInFlightAtStart()) {
            // A job not recorded when its message can no longer be on the queue never will be (lost to
            // the DLQ, or its worker died and the message expired): the run ends with it unknown.
            RunAccounting accounting = new RunAccounting(state.jobStore(), Duration.ofSeconds(5),
                    queue.messageLifetime() != null ? queue.messageLifetime() : queuedTtl);
            differ.accountFrom(accounting);
            Beans.closeOnStop(context, accounting);
        }
        // SQS: queue jobs from several threads; the listing itself stays one lazy stream.
        ExecutorService sendPool = queue.redelivers()
                ? context.getExecutorServiceManager().newFixedThreadPool(this, "diff-send", sendThreads) : null;
        context.addRoutes(new DiffRoute(differ, queue.producerUri(), sendPool).sendingBatchesTo(queue.batchProducerUri()));
        // One job per destination key at a time; the sweep of abandoned uploads leaves keys being written alone.
        DestinationKeyLocks keyLocks = new DestinationKeyLocks();
        AbandonedUploads abandoned = new AbandonedUploads(clients, state.checkpoints(), keyLocks,
                Duration.ofSeconds(abandonedUploadAgeSeconds), Clock.systemUTC());
        differ.afterEachDiff(abandoned::sweep);
        // DECIDE at the worker: stale events (per-key sequencers), versions, deletes, two-way checks.
        JobPlanner planner = new JobPlanner(clients, new EventOrder(state.keySequencers()),
                new ObjectDeleter(clients, state.ownDeletes(), state.inFlight()), metrics);
        context.addRoutes(new TransferRoute(queue, settings.concurrency(), pairs, planner, new ObjectCopier(clients),
                new JobRecorder(state.jobStore(), runs, metrics).withReports(reports), state.inFlight(),
                settings.multipartThreshold())
                .withCopyThreshold(settings.copyThreshold())
                .withKeyLocks(keyLocks)
                .withCopiedEtags(state.copiedEtags())
                .withRedelivery(new TransferRoute.Redelivery(Math.max(0, transferRetries),
                        Duration.ofSeconds(Math.max(0, transferRetryDelaySeconds)))));
        if (!queue.redelivers()) {
            // Jobs that failed for good are kept in the state store; those `dlq redrive` marks come back.
            context.addRoutes(new DeadLetterRedriveRoute(state.deadLetters(), queue.producerUri(),
                    Duration.ofSeconds(Math.max(1, deadLetterPollSeconds))));
        }
        // S3 events of pairs with an events queue become jobs on the same job queue as the diff's.
        context.addStartupListener(new EventRoutes(pairs, clients, new EventDecider(metrics, state.ownDeletes()),
                queue.producerUri(), () -> sqsClient(context), SQS_CLIENT,
                new EventRoute.Polling(eventsWaitSeconds, eventsBatch, eventsConsumers, !queue.redelivers(),
                        settings.concurrency())));
        // Pairs with an inventory location: each new report there is diffed once (remembered in the state store).
        context.addStartupListener(new InventoryRoutes(pairs, clients, state.keySequencers(), runs,
                Math.max(100, Math.round(inventoryPollSeconds * 1000))));
        // One pool for the parts of all objects: its size bounds part data in memory.
        ExecutorService partsPool = context.getExecutorServiceManager()
                .newFixedThreadPool(this, "multipart-parts", settings.partsInFlight());
        // Parts of this worker's own objects and part jobs of objects fanned out across workers alike.
        PartSlots slots = new PartSlots(settings.partsInFlight());
        metrics.gauge("s3replicator.parts.in.flight", "Multipart parts being copied now", slots::inUse);
        MultipartCopier multipart = new MultipartCopier(clients, state.checkpoints(), runs,
                settings.partSize(), new PartRetry(6, 200, 10_000));
        context.addRoutes(multipartRoute(context, queue, state, pairs, multipart, partsPool, slots));
    }

    /**
     * Distributed mode (SQS and a shared state): objects above {@code fan-out-above} send their parts to the
     * queue for any worker, and every worker moves part jobs, whatever its own fan-out size.
     */
    private MultipartRoute multipartRoute(CamelContext context, JobQueue queue, StateBackend state, PairRegistry pairs,
                                          MultipartCopier multipart, ExecutorService partsPool, PartSlots slots) {
        if (fanOutAbove < 0) {
            throw new ConfigException("s3replicator.transfer.fan-out-above", fanOutAbove + " is below 0 (0: off)");
        }
        MultipartRoute route = new MultipartRoute(multipart, partsPool, slots);
        int partsInFlight = slots.size();
        boolean distributed = queue.redelivers() && !state.clearInFlightAtStart() && queue.batchProducerUri() != null;
        if (!distributed) {
            if (fanOutAbove > 0) {
                LOG.warn("s3replicator.transfer.fan-out-above is ignored: parts go to other workers only with"
                        + " s3replicator.queue.kind=sqs and a shared state (jdbc or dynamodb)");
            }
            return route;
        }
        // No part recorded for this long while the object's job waits: its missing part jobs are sent again
        // (a duplicate of a part still moving is dropped by the part's claim). Well under SQS's 12-hour
        // ceiling on one receive, or it could never fire.
        Duration stall = Duration.ofMinutes(30);
        // A completion claim outlives a completer that died as long as an in-flight entry does.
        Duration claimTtl = StateSettings.from(context.getPropertiesComponent()).inFlightTtl();
        FanOut fanOut = new FanOut(multipart, state.fannedOutParts(), state.inFlight(), queue, pairs, slots,
                fanOutAbove, claimTtl, stall,
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "fan-out-claims"));
        // Part jobs waiting for a slot wait in this pool's queue (unbounded), never on the SQS consumer's thread.
        ExecutorService partJobs = context.getExecutorServiceManager().newThreadPool(this, "fanned-out-parts",
                new org.apache.camel.builder.ThreadPoolProfileBuilder("fanned-out-parts").poolSize(partsInFlight)
                        .maxPoolSize(partsInFlight).maxQueueSize(Integer.MAX_VALUE).build());
        return route.fanningOut(fanOut, queue.batchProducerUri(), partJobs);
    }

    /** The bound SQS client, else one from s3replicator.sqs.* bound now (only pairs with events need one). */
    private synchronized SqsClient sqsClient(CamelContext context) {
        SqsClient bound = context.getRegistry().lookupByNameAndType(SQS_CLIENT, SqsClient.class);
        if (bound == null) {
            bound = SqsQueues.client("default".equals(sqsEndpoint) ? null : sqsEndpoint,
                    "default".equals(sqsRegion) ? null : sqsRegion, 16, 20);
            context.getRegistry().bind(SQS_CLIENT, bound);
        }
        return bound;
    }
}
