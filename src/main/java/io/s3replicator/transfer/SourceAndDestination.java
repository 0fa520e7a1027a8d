package io.s3replicator.transfer;

import io.s3replicator.model.ListedObject;
import io.s3replicator.store.S3Errors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/** HEAD helpers shared by the planning steps, and the two-way order of object versions. */
public final class SourceAndDestination {
    private SourceAndDestination() {
    }

    /** HEAD, or null when the object (or version) does not exist. */
    public static HeadObjectResponse head(S3Client s3, String bucket, String key, String versionId) {
        try {
            return s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).versionId(versionId).build());
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    public static String etag(HeadObjectResponse head) {
        return ListedObject.bareEtag(head.eTag());
    }

    /** The markers of the object at {@code bucket}/{@code key} when the replicator wrote them there, else null. */
    public static ReplicaMarkers.Trusted markers(HeadObjectResponse head, String bucket, String key) {
        return ReplicaMarkers.read(head.metadata(), bucket, key);
    }

    /** When an object's original was written, and whether that time has more than whole seconds. */
    public record Written(Instant time, boolean precise, String etag) {
    }

    /**
     * The original write time of an object as a two-way pair sees it: the event's time (milliseconds)
     * when the job is the event of exactly this version, else the trusted source-mtime marker of a
     * copy (milliseconds when the copy was made from an event), else its own last-modified (seconds).
     * The ETag is the original's (a copy ranks equal to its original).
     */
    public static Written written(HeadObjectResponse head, String bucket, String key, io.s3replicator.model.Job eventJob) {
        ReplicaMarkers.Trusted markers = markers(head, bucket, key);
        String original = markers != null ? markers.sourceEtag() : etag(head);
        if (eventJob != null && "EVENT".equals(eventJob.origin()) && eventJob.firstSeen() > 0
                && ListedObject.sameEtag(eventJob.etag(), etag(head)) && markers == null) {
            return new Written(Instant.ofEpochMilli(eventJob.firstSeen()), true, original);
        }
        if (markers != null && markers.originalTime() != null) {
            return new Written(markers.originalTime(), markers.preciseTime(), original);
        }
        Instant t = head.lastModified();
        return new Written(t == null ? Instant.EPOCH : t, false, original);
    }

    /**
     * Two-way order: the later original write wins, to the millisecond when both times have
     * them, else to the second (last-modified has no more); ties go to the larger original ETag.
     * Both pairs of a two-way pair, and the diff, rank two versions the same way.
     */
    public static int compare(Written a, Written b) {
        boolean precise = a.precise() && b.precise();
        Instant ta = precise ? a.time() : a.time().truncatedTo(ChronoUnit.SECONDS);
        Instant tb = precise ? b.time() : b.time().truncatedTo(ChronoUnit.SECONDS);
        int order = ta.compareTo(tb);
        if (order != 0) {
            return order;
        }
        return Comparator.nullsFirst(String.CASE_INSENSITIVE_ORDER).compare(a.etag(), b.etag());
    }
}
