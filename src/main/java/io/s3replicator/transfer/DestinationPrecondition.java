package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.ListedObject;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * What the destination held when a job was planned. The final write (PutObject, CopyObject,
 * CompleteMultipartUpload) is made conditional on it, {@code If-Match} on that ETag or
 * {@code If-None-Match: *} when the key was absent, so a write that lands at the destination
 * while the copy runs is never overwritten by the older version the job carries: the store
 * answers 412 and the job ends as {@link TransferOutcome#DESTINATION_CHANGED}.
 *
 * @param etag the destination's ETag (bare), or null when the key was absent
 * @param inStep the destination already holds the job's source version: nothing to write
 */
public record DestinationPrecondition(String etag, boolean inStep) {
    public static final DestinationPrecondition ABSENT = new DestinationPrecondition(null, false);

    public static DestinationPrecondition of(HeadObjectResponse head) {
        return head == null ? ABSENT : new DestinationPrecondition(ListedObject.bareEtag(head.eTag()), false);
    }

    /** The destination, with this ETag, is already the job's source version. */
    static DestinationPrecondition holding(HeadObjectResponse head) {
        return new DestinationPrecondition(ListedObject.bareEtag(head.eTag()), true);
    }

    /** The If-Match header value, or null; null too where the store cannot honour conditional writes. */
    public String ifMatch(ReplicationPair pair) {
        return etag == null || !conditional(pair) ? null : "\"" + etag + "\"";
    }

    /** The If-None-Match header value ("*" when the key was absent), or null. */
    public String ifNoneMatch(ReplicationPair pair) {
        return etag != null || !conditional(pair) ? null : "*";
    }

    private static boolean conditional(ReplicationPair pair) {
        return pair.destination().endpoint().effectiveCapabilities().conditionalWrites();
    }
}
