package io.s3replicator.state;

import java.util.List;
import java.util.Optional;

/**
 * Multipart checkpoints (README, "How it works", Large objects): which upload id and part size belong to a
 * destination bucket + key + source ETag. Sent parts are not recorded: after a restart ListParts
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

    /** The upload completed or was aborted: forget it (and part records earlier releases wrote). */
    void forget(String uploadId);
}
