package io.s3replicator.wiring;

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
import io.s3replicator.observe.Observability;
import io.s3replicator.record.RunAccounting;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.queue.EmbeddedJobQueue;
import io.s3replicator.discover.DeadLetterRedriveRoute;
import io.s3replicator.queue.JobQueues;
import io.s3replicator.queue.SqsQueues;
import io.s3replicator.queue.SqsJobQueue;
import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.JobRecorder;
import io.s3replicator.state.jdbc.RetentionRoute;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.jdbc.EmbeddedDatabase;
import io.s3replicator.store.S3Clients;
import io.s3replicator.transfer.MultipartCopier;
import io.s3replicator.transfer.MultipartRoute;
import io.s3replicator.transfer.ObjectCopier;
import io.s3replicator.transfer.PartRetry;
import io.s3replicator.decide.TransferRoute;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;

/**
 * Wires the pipeline from {@code s3replicator.*} properties: builds the beans, binds the ones
 * other code looks up, and adds the diff and transfer routes. Pairs arrive as templated
 * routes ({@code run}) or are registered by the CLI ({@code sync}).
 */
public class ReplicatorConfiguration implements CamelConfiguration {
    /** Registry name of the SQS client the event routes read with (the job queue's, in distributed mode). */
    static final String SQS_CLIENT = SqsJobQueue.CLIENT_BEAN;
    @PropertyInject(value = "s3replicator.queue.uri", defaultValue = "seda:jobs?size=1000&blockWhenFull=true")
    private String queueUri;
    @PropertyInject(value = "s3replicator.transfer.concurrency", defaultValue = "8")
    private int concurrency;
    @PropertyInject(value = "s3replicator.transfer.multipart-threshold", defaultValue = "8388608")
    private long multipartThreshold;
    @PropertyInject(value = "s3replicator.transfer.copy-threshold", defaultValue = "1073741824")
    private long copyThreshold;
    @PropertyInject(value = "s3replicator.transfer.part-size", defaultValue = "8388608")
    private long partSize;
    @PropertyInject(value = "s3replicator.transfer.parts-in-flight", defaultValue = "8")
    private int partsInFlight;
    @PropertyInject(value = "s3replicator.discover.list-page-size", defaultValue = "1000")
    private int listPageSize;
    @PropertyInject(value = "s3replicator.discover.listing-threads", defaultValue = "1")
    private int listingThreads;
    @PropertyInject(value = "s3replicator.discover.listing-depth", defaultValue = "2")
    private int listingDepth;
    @PropertyInject(value = "s3replicator.discover.sort-run-entries", defaultValue = "50000")
    private int sortRunEntries;
    @PropertyInject(value = "s3replicator.discover.sort-dir", defaultValue = "default")
    private String sortDir;
    @PropertyInject(value = "s3replicator.state.queued-ttl", defaultValue = "0")
    private long queuedTtlSeconds;
    @PropertyInject(value = "s3replicator.state.done-window", defaultValue = "600")
    private long doneWindowSeconds;
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

    @Override
    public void configure(CamelContext context) throws Exception {
        StateSettings stateSettings = StateSettings.from(context.getPropertiesComponent());
        ReplicatorSettings settings = new ReplicatorSettings(queueUri, concurrency, multipartThreshold, copyThreshold, partSize,
                partsInFlight, listPageSize, stateSettings.dir());
        JobQueue queue = JobQueues.create(context, settings.queueUri(), settings.concurrency());

        PairRegistry pairs = new PairRegistry();
        ReplicatorMetrics metrics = Observability.metrics(context);
        RunRegistry runs = new RunRegistry(metrics);
        S3Clients clients = new S3Clients(settings.concurrency() * 2 + settings.partsInFlight() * 2 + 8);
        StateBackend state = StateBackend.open(stateSettings);
        context.addService(state);
        context.addService(state.inFlight());
        // A queued mark lives as long as its message can (the job queue's retention), unless set:
        // a backfill slower than the mark must not queue everything a second time.
        Duration queuedTtl = queuedTtlSeconds > 0 ? Duration.ofSeconds(queuedTtlSeconds)
                : queue.messageLifetime() != null ? queue.messageLifetime() : Duration.ofHours(6);
        state.inFlight().windows(queuedTtl, Duration.ofSeconds(doneWindowSeconds));
        if (state.clearInFlightAtStart()) {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStart() {
                    state.inFlight().clear();
                }
            });
        }

        context.getRegistry().bind("settings", settings);
        context.getRegistry().bind("pairs", pairs);
        context.getRegistry().bind("runs", runs);
        ObjectReports reports = new ObjectReports();
        context.getRegistry().bind("objectReports", reports);
        closeOnStop(context, reports);
        context.getRegistry().bind("s3Clients", clients);
        context.getRegistry().bind("stateBackend", state);
        context.getRegistry().bind("jobStore", state.jobStore());
        context.getRegistry().bind("leases", state.leases());
        if (state.jobStore() instanceof EmbeddedDatabase embedded) {
            context.getRegistry().bind("stateStore", embedded);
        }
        context.addService(clients);

        Observability.install(context, metrics, runs, pairs, clients, state::ping, queue.producerUri());
        // Each pair shows from start-up on (metrics, status page), with the jobs it has in flight here;
        // counting those by pair needs the in-flight repository to keep the exchanges, not only a count.
        context.getInflightRepository().setInflightBrowseEnabled(true);
        pairs.onRegister(p -> {
            metrics.pairInfo(p.id(), p.source().uri(), p.destination().uri());
            metrics.pairInFlight(p.id(), () -> TransferRoute.inFlight(context, p.id()));
        });
        if (queue instanceof SqsJobQueue sqs) {
            // One GetQueueAttributes per 5 s at most, however often metrics or the status page are read.
            metrics.gauge(ReplicatorMetrics.DLQ_MESSAGES, "Messages in the jobs dead-letter queue",
                    Observability.cachedFor(Duration.ofSeconds(5), sqs::deadLetterCount));
        }

        context.addStartupListener(new PairLoader(pairs, clients, reports));
        // Many workers on one queue: one diff per pair at a time (a lease, when the state is shared)
        // and no job queued twice (a mark per job). One machine needs neither.
        DiffGuard guard = !queue.redelivers() ? DiffGuard.none()
                : new DiffGuard(state.clearInFlightAtStart() ? null : state.leases(), state.inFlight(),
                        Duration.ofSeconds(diffLeaseTtlSeconds));
        closeOnStop(context, guard);
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
            closeOnStop(context, accounting);
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
        if (queue instanceof EmbeddedJobQueue embeddedQueue) {
            // Jobs that failed for good are kept in the state store; those `dlq redrive` marks come back.
            embeddedQueue.keepDeadJobsIn(state.deadLetters());
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
        metrics.gauge("s3replicator.parts.in.flight", "Multipart parts being copied now",
                () -> Observability.activeThreads(partsPool));
        MultipartCopier multipart = new MultipartCopier(clients, state.checkpoints(), runs,
                settings.partSize(), new PartRetry(6, 200, 10_000));
        context.addRoutes(new MultipartRoute(multipart, partsPool));
    }

    private static void closeOnStop(CamelContext context, AutoCloseable resource) throws Exception {
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                resource.close();
            }
        });
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
