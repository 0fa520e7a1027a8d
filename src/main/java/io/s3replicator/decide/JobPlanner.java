package io.s3replicator.decide;

import io.s3replicator.transfer.SourceAndDestination;
import io.s3replicator.transfer.TransferOutcome;

import io.s3replicator.model.ListedObject;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.decide.EventOrder;
import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.model.Job;
import io.s3replicator.store.S3Clients;
import org.apache.camel.Exchange;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * DECIDE + plan at the worker, after the in-flight check and before any bytes move: drops stale
 * events ({@link EventOrder}), applies the versioning switches (read by version id or not,
 * refresh the version first), carries out DELETE jobs ({@link ObjectDeleter}) and, in a two-way
 * pair, stops copies that would go backwards or loop ({@link TwoWayCheck}). Whatever it decides
 * is left in {@link TransferRoute#OUTCOME}; a job left without one is copied.
 */
public class JobPlanner {
    public static final String NEWER_VERSION_EXISTS = "a newer version of the source object exists: its own job"
            + " or the next diff copies it, never this older one after it";
    private final S3Clients clients;
    private final EventOrder order;
    private final ObjectDeleter deleter;
    private final TwoWayCheck twoWay;
    private final ReplicatorMetrics metrics;

    /** @param metrics null for none */
    public JobPlanner(S3Clients clients, EventOrder order, ObjectDeleter deleter, ReplicatorMetrics metrics) {
        this.clients = clients;
        this.order = order;
        this.deleter = deleter;
        this.twoWay = new TwoWayCheck(clients);
        this.metrics = metrics;
    }

    public void plan(Exchange exchange) {
        ReplicationPair pair = exchange.getProperty(TransferRoute.PAIR, ReplicationPair.class);
        Job job = exchange.getProperty(TransferRoute.JOB, Job.class);
        TransferOutcome outcome = plan(pair, job, exchange);
        if (outcome != null) {
            exchange.setProperty(TransferRoute.OUTCOME, outcome);
        }
    }

    private TransferOutcome plan(ReplicationPair pair, Job job, Exchange exchange) {
        if (order.isStale(job)) {
            return TransferOutcome.skipped(EventOrder.STALE);
        }
        if (job.operation() == Job.Operation.DELETE) {
            return deleter.delete(pair, job);
        }
        if (newerVersionExists(pair, job)) {
            return TransferOutcome.skipped(NEWER_VERSION_EXISTS);
        }
        Job versioned = versions(pair, job);
        if (versioned == null) {
            return TransferOutcome.skipped("source deleted since it was listed");
        }
        exchange.setProperty(TransferRoute.JOB, versioned);
        if (pair.features().twoWay()) {
            TwoWayCheck.Verdict verdict = twoWay.check(pair, versioned);
            if (verdict.loopGuard()) {
                loopGuard(pair, "marker");
            }
            // The copy's final write is conditional on what the check saw, not on a later look.
            exchange.setProperty(TransferRoute.DESTINATION_SEEN, verdict.destination());
            return verdict.outcome();
        }
        return null;
    }

    /** Layer 3 of the loop guard: the in-flight repository dropped a duplicate job. */
    public void duplicate(Exchange exchange) {
        ReplicationPair pair = exchange.getProperty(TransferRoute.PAIR, ReplicationPair.class);
        // A duplicate event still advances its key's sequencer: a late older event must find it stale.
        order.isStale(exchange.getProperty(TransferRoute.JOB, Job.class));
        loopGuard(pair, "duplicate");
    }

    private void loopGuard(ReplicationPair pair, String layer) {
        if (metrics != null) {
            metrics.loopGuard(pair.id(), layer);
        }
    }

    /**
     * A job that reads one exact version (getByVersion, an event's version id) copies it only while
     * it is the source's latest: otherwise an old version could land after a newer one. Deleted
     * since (the latest is a delete marker) is left to {@link #versions}.
     */
    private boolean newerVersionExists(ReplicationPair pair, Job job) {
        if (job.versionId() == null || !pair.features().getByVersion() || pair.features().refreshVersion()
                || job.etag() == null) {
            return false;
        }
        S3Client source = clients.client("source", pair.source().endpoint());
        HeadObjectResponse latest = SourceAndDestination.head(source, pair.source().bucket(), job.key(), null);
        return latest != null && !job.versionId().equals(ListedObject.versionOrNull(latest.versionId()));
    }

    /**
     * The 3GSync versioning switches: without getByVersion the job's version id is dropped (read
     * the latest, pinned by ETag); with refreshVersion, or when the job has no ETag, the source's
     * current version is looked up now.
     *
     * @return null when the source object is gone
     */
    Job versions(ReplicationPair pair, Job job) {
        String versionId = pair.features().getByVersion() ? job.versionId() : null;
        boolean refresh = pair.features().refreshVersion();
        if (!refresh && job.etag() != null) {
            return versionId == null && job.versionId() != null ? job.withSource(job.etag(), job.size(), null) : job;
        }
        S3Client source = clients.client("source", pair.source().endpoint());
        HeadObjectResponse now = SourceAndDestination.head(source, pair.source().bucket(), job.key(),
                refresh ? null : versionId);
        if (now == null) {
            return null;
        }
        String currentVersion = pair.features().getByVersion() ? ListedObject.versionOrNull(now.versionId()) : null;
        return job.withSource(SourceAndDestination.etag(now), now.contentLength(), currentVersion);
    }
}
