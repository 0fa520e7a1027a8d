package io.s3replicator.state;

/**
 * The recorded end of one attempt at a job. {@code path} is how bytes moved: server-side, relay,
 * or none. {@code runId} is null for jobs from S3 events; {@code versionId} is null unless the
 * source is versioned.
 */
public record JobResult(String runId, String pairId, String sourceKey, String destinationKey, String operation,
                        Outcome outcome, String reason, String sourceEtag, String versionId, long bytes, String path,
                        long millis) {

    /**
     * RETRYING is not an end: the attempt failed transiently and the queue will deliver the job again.
     * DELETED: the destination object was removed (a delete event or diff delete, pairs with deletes on).
     */
    public enum Outcome { COPIED, SKIPPED, DRY_RUN, FAILED, RETRYING, DELETED }
}
