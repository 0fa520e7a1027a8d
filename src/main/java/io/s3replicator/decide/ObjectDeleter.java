package io.s3replicator.decide;

import io.s3replicator.transfer.ReplicaMarkers;
import io.s3replicator.transfer.SourceAndDestination;
import io.s3replicator.transfer.TransferOutcome;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.decide.OwnDeleteLocation;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobIdentity;
import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.OwnDeletes;
import io.s3replicator.store.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * TRANSFER for DELETE jobs (an ObjectRemoved event, or the diff finding a copy whose source is
 * gone), applied only when the pair has deletes on. A delete never removes:
 * <ul>
 *   <li>anything outside the pair's prefixes;</li>
 *   <li>a destination object newer than the event: its original write time (the source-mtime
 *       marker, millisecond precise, or its own last-modified, to the second, where a tie counts
 *       as newer) must be before the event's time;</li>
 *   <li>anything while the source holds the key again (re-created after the delete: its create
 *       event or the next diff copies it);</li>
 *   <li>for diff deletes, an object this pair did not write at that key ({@link ReplicaMarkers}),
 *       unless the pair deletes unowned objects too ({@code sync --delete-unowned}).</li>
 * </ul>
 * In a two-way pair the delete is recorded first ({@link OwnDeletes}), so its echo on the other
 * side is recognised.
 */
public class ObjectDeleter {
    public static final String NOT_WRITTEN_BY_PAIR = "destination object was not written by this pair: not deleted";
    private final S3Clients clients;
    private final OwnDeletes ownDeletes;
    private final InFlightJobs inFlight;

    /** @param inFlight whose done marks of the deleted version are cleared, so a later copy of it is not dropped */
    public ObjectDeleter(S3Clients clients, OwnDeletes ownDeletes, InFlightJobs inFlight) {
        this.clients = clients;
        this.ownDeletes = ownDeletes;
        this.inFlight = inFlight;
    }

    public TransferOutcome delete(ReplicationPair pair, Job job) {
        if (!pair.features().deletes()) {
            return TransferOutcome.skipped("deletes disabled for this pair");
        }
        String destinationKey = pair.destinationKey(job.key());
        if (!pair.inSourcePrefix(job.key()) || !destinationKey.startsWith(pair.destination().prefix())) {
            return TransferOutcome.skipped("outside the pair's prefix: not deleted");
        }
        S3Client destination = clients.client("destination", pair.destination().endpoint());
        String bucket = pair.destination().bucket();
        HeadObjectResponse dst = SourceAndDestination.head(destination, bucket, destinationKey, null);
        if (dst == null) {
            return TransferOutcome.skipped("already absent at the destination");
        }
        ReplicaMarkers.Trusted markers = SourceAndDestination.markers(dst, bucket, destinationKey);
        if (job.reason() == Job.Reason.EXTRA_AT_DESTINATION && !pair.features().deleteUnowned()
                && (markers == null || !markers.pairTag().equals(ReplicaMarkers.pairTag(pair)))) {
            // Markers copied with a user's copy of a replica (written at another key or by another pair) do not count.
            return TransferOutcome.skipped(NOT_WRITTEN_BY_PAIR);
        }
        S3Client source = clients.client("source", pair.source().endpoint());
        if (SourceAndDestination.head(source, pair.source().bucket(), job.key(), null) != null) {
            return TransferOutcome.skipped("source exists again: not deleted");
        }
        if (newerThan(markers, dst, Instant.ofEpochMilli(job.firstSeen()))) {
            return TransferOutcome.skipped("destination is newer than the delete: not deleted");
        }
        if (pair.dryRun()) {
            return new TransferOutcome(io.s3replicator.state.JobResult.Outcome.DRY_RUN, "dry run: would delete", 0, null);
        }
        String location = OwnDeleteLocation.of(pair.destination());
        if (pair.features().twoWay()) {
            ownDeletes.deleting(location, destinationKey, Instant.now());
        }
        try {
            destination.deleteObject(b -> b.bucket(bucket).key(destinationKey));
        } catch (RuntimeException e) {
            if (pair.features().twoWay()) {
                ownDeletes.forget(location, destinationKey);
            }
            throw e;
        }
        forgetCopy(pair, job.key(), markers);
        return TransferOutcome.deleted(null);
    }

    /**
     * The job that copied the deleted object left a done mark (late duplicates are dropped for a
     * while); the object being gone, the same version copied again must not be dropped.
     */
    private void forgetCopy(ReplicationPair pair, String sourceKey, ReplicaMarkers.Trusted deleted) {
        if (deleted == null || inFlight == null) {
            return;
        }
        inFlight.forgetDone(JobIdentity.of(pair, sourceKey, deleted.sourceEtag(), null));
        if (deleted.sourceVersion() != null) {
            inFlight.forgetDone(JobIdentity.of(pair, sourceKey, deleted.sourceEtag(), deleted.sourceVersion()));
        }
    }

    /** Ties count as newer: when in doubt, keep the object. */
    static boolean newerThan(ReplicaMarkers.Trusted markers, HeadObjectResponse dst, Instant event) {
        boolean precise = markers != null && markers.preciseTime();
        Instant written = markers != null && markers.originalTime() != null ? markers.originalTime() : dst.lastModified();
        if (written == null) {
            return false;
        }
        return precise ? !written.isBefore(event) : !written.isBefore(event.truncatedTo(ChronoUnit.SECONDS));
    }
}
