package io.s3replicator.decide;

import io.s3replicator.transfer.DestinationPrecondition;
import io.s3replicator.transfer.ReplicaMarkers;
import io.s3replicator.transfer.SourceAndDestination;
import io.s3replicator.transfer.TransferOutcome;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.Job;
import io.s3replicator.store.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * DECIDE for copies in a two-way pair (one half of A -> B plus B -> A), on the objects as they
 * are now:
 * <ol>
 *   <li>loop guard layer 2: a source object the other half of the pair wrote at that key
 *       ({@link ReplicaMarkers}), whose source-etag marker is the destination's ETag, is the
 *       replicator's copy of that very object: never copied back;</li>
 *   <li>the destination already holds the source version (same ETag, or its marker names it);</li>
 *   <li>conflict: the destination's version is newer (latest original write time wins, ties by
 *       ETag), so the copy would go backwards;</li>
 *   <li>with deletes on, a source that is the replicator's copy of an object the destination no
 *       longer has is not copied back: the delete is what replicates.</li>
 * </ol>
 */
public class TwoWayCheck {
    public static final String ECHO = "repeated transfer: the source object is this replicator's copy of the"
            + " destination object (source-etag marker)";
    public static final String ECHO_OF_DELETED = "repeated transfer: the source object is this replicator's copy of"
            + " an object deleted at the destination (the delete replicates, not the copy)";
    public static final String NEWER = "destination is newer than the source (two-way: latest last-modified wins,"
            + " ties by ETag)";

    /**
     * A skip and whether it was the loop guard (layer 2); or, with no outcome, a go-ahead and what
     * the destination held, which the copy's final write is conditional on.
     */
    public record Verdict(TransferOutcome outcome, boolean loopGuard, DestinationPrecondition destination) {
        static Verdict skip(String reason, boolean loopGuard) {
            return new Verdict(TransferOutcome.skipped(reason), loopGuard, null);
        }

        static Verdict copy(DestinationPrecondition destination) {
            return new Verdict(null, false, destination);
        }
    }

    private final S3Clients clients;

    public TwoWayCheck(S3Clients clients) {
        this.clients = clients;
    }

    public Verdict check(ReplicationPair pair, Job job) {
        S3Client source = clients.client("source", pair.source().endpoint());
        S3Client destination = clients.client("destination", pair.destination().endpoint());
        String sourceBucket = pair.source().bucket();
        String destinationBucket = pair.destination().bucket();
        String destinationKey = pair.destinationKey(job.key());
        HeadObjectResponse src = SourceAndDestination.head(source, sourceBucket, job.key(), job.versionId());
        if (src == null) {
            return Verdict.skip("source deleted since it was listed", false);
        }
        HeadObjectResponse dst = SourceAndDestination.head(destination, destinationBucket, destinationKey, null);
        // Only a copy the other half of this two-way pair wrote at this very key is an echo; a user's
        // copy of a replica carries markers written elsewhere and is an ordinary object.
        ReplicaMarkers.Trusted srcMarkers = SourceAndDestination.markers(src, sourceBucket, job.key());
        boolean srcIsReverseCopy = srcMarkers != null && srcMarkers.pairTag().equals(ReplicaMarkers.reverseTag(pair));
        if (dst == null) {
            if (srcIsReverseCopy && pair.features().deletes()) {
                return Verdict.skip(ECHO_OF_DELETED, true);
            }
            return Verdict.copy(DestinationPrecondition.ABSENT);
        }
        String dstEtag = SourceAndDestination.etag(dst);
        if (srcIsReverseCopy && srcMarkers.sourceEtag().equalsIgnoreCase(dstEtag)) {
            return Verdict.skip(ECHO, true);
        }
        String srcEtag = SourceAndDestination.etag(src);
        ReplicaMarkers.Trusted dstMarkers = SourceAndDestination.markers(dst, destinationBucket, destinationKey);
        if (srcEtag.equalsIgnoreCase(dstEtag) || (dstMarkers != null && srcEtag.equalsIgnoreCase(dstMarkers.sourceEtag()))) {
            return Verdict.skip(TransferOutcome.IN_STEP, false);
        }
        int order = SourceAndDestination.compare(SourceAndDestination.written(src, sourceBucket, job.key(), job),
                SourceAndDestination.written(dst, destinationBucket, destinationKey, null));
        if (order < 0) {
            return Verdict.skip(NEWER, false);
        }
        if (order == 0) {
            return Verdict.skip(TransferOutcome.IN_STEP, false);
        }
        return Verdict.copy(DestinationPrecondition.of(dst));
    }
}
