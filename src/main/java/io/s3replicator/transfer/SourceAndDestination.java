package io.s3replicator.transfer;

import io.s3replicator.discover.ListedObject;
import io.s3replicator.storage.S3Errors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/** HEAD helpers shared by the planning steps, and the two-way order of object versions. */
final class SourceAndDestination {
    private SourceAndDestination() {
    }

    /** HEAD, or null when the object (or version) does not exist. */
    static HeadObjectResponse head(S3Client s3, String bucket, String key, String versionId) {
        try {
            return s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(key).versionId(versionId).build());
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

    static String etag(HeadObjectResponse head) {
        return ListedObject.bareEtag(head.eTag());
    }

    static String marker(HeadObjectResponse head) {
        return head.metadata().get(ObjectCopier.SOURCE_ETAG_MARKER);
    }

    /** When the original of this object was written (marker, else last-modified), millisecond precise when known. */
    static Instant originalTime(HeadObjectResponse head) {
        return ObjectCopier.originalTime(head.metadata(), head.lastModified());
    }

    /**
     * Two-way order: later original write time wins, compared to the second (Last-Modified has
     * no more), ties broken by the original's ETag. A copy ranks equal to its original, so
     * both sides of a two-way pair agree on which version is newest.
     */
    static final Comparator<HeadObjectResponse> NEWEST_LAST = Comparator
            .comparing((HeadObjectResponse h) -> originalTime(h) == null ? Instant.EPOCH
                    : originalTime(h).truncatedTo(ChronoUnit.SECONDS))
            .thenComparing(h -> marker(h) != null ? marker(h) : etag(h), Comparator.nullsFirst(Comparator.naturalOrder()));
}
