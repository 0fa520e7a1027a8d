package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.queue.Job;
import io.s3replicator.storage.S3Clients;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.Objects;

/**
 * DECIDE for copies in a two-way pair (one half of A -> B plus B -> A), on the objects as they
 * are now:
 * <ol>
 *   <li>loop guard layer 2: a source object that carries this replicator's source-etag marker
 *       equal to the destination's ETag is the replicator's copy of that very object: never copied back;</li>
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

    /** A skip, and whether it was the loop guard (layer 2). */
    public record Verdict(TransferOutcome outcome, boolean loopGuard) {
    }

    private final S3Clients clients;

    public TwoWayCheck(S3Clients clients) {
        this.clients = clients;
    }

    /** @return null to go ahead with the copy, else why not */
    public Verdict check(ReplicationPair pair, Job job) {
        S3Client source = clients.client("source", pair.source().endpoint());
        S3Client destination = clients.client("destination", pair.destination().endpoint());
        HeadObjectResponse src = SourceAndDestination.head(source, pair.source().bucket(), job.key(), job.versionId());
        if (src == null) {
            return new Verdict(TransferOutcome.skipped("source deleted since it was listed"), false);
        }
        HeadObjectResponse dst = SourceAndDestination.head(destination, pair.destination().bucket(),
                pair.destinationKey(job.key()), null);
        String srcMarker = SourceAndDestination.marker(src);
        if (dst == null) {
            if (srcMarker != null && pair.features().deletes()) {
                return new Verdict(TransferOutcome.skipped(ECHO_OF_DELETED), true);
            }
            return null;
        }
        String dstEtag = SourceAndDestination.etag(dst);
        if (srcMarker != null && srcMarker.equals(dstEtag)) {
            return new Verdict(TransferOutcome.skipped(ECHO), true);
        }
        String srcEtag = SourceAndDestination.etag(src);
        if (Objects.equals(srcEtag, dstEtag) || Objects.equals(srcEtag, SourceAndDestination.marker(dst))) {
            return new Verdict(TransferOutcome.skipped(TransferOutcome.IN_STEP), false);
        }
        int order = SourceAndDestination.compare(SourceAndDestination.written(src, job),
                SourceAndDestination.written(dst, null));
        if (order < 0) {
            return new Verdict(TransferOutcome.skipped(NEWER), false);
        }
        if (order == 0) {
            return new Verdict(TransferOutcome.skipped(TransferOutcome.IN_STEP), false);
        }
        return null;
    }
}
