package io.s3replicator.state;

import java.util.List;
import java.util.Optional;

/**
 * Multipart checkpoints (README, "How it works", Large objects): which upload id and part size belong to a
 * destination bucket + key + source ETag, and which parts we sent. After a restart ListParts
 * at the destination is the truth; these records say where to look and what part size to keep.
 */
public interface CheckpointStore {
    /** A started upload. */
    record Upload(String destinationBucket, String destinationKey, String sourceEtag, String uploadId,
                  long partSize) {
    }

    /** Every upload recorded for this destination object, whatever source version it was for, oldest first. */
    List<Upload> uploadsFor(String bucket, String key);

    default Optional<Upload> find(String bucket, String key, String sourceEtag) {
        return uploadsFor(bucket, key).stream().filter(u -> u.sourceEtag().equalsIgnoreCase(sourceEtag)).findFirst();
    }

    void started(Upload upload);

    /** Records a sent part; recording the same part again replaces its ETag. */
    void partDone(String uploadId, int partNumber, String etag);

    /** Parts we recorded as sent (informational: ListParts decides what the store holds). */
    int partsRecorded(String uploadId);

    /** The upload completed or was aborted: forget it and its parts. */
    void forget(String uploadId);
}
