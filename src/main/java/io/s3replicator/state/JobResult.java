package io.s3replicator.state;

/** The recorded end of one job. {@code path} is how bytes moved: server-side, relay, or none. */
public record JobResult(String runId, String pairId, String sourceKey, String destinationKey, String operation,
                        Outcome outcome, String reason, String sourceEtag, long bytes, String path, long millis) {

    /** RETRYING is not an end: the attempt failed transiently and the queue will deliver the job again. */
    public enum Outcome { COPIED, SKIPPED, DRY_RUN, FAILED, RETRYING }
}
