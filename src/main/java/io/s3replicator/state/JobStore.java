package io.s3replicator.state;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Job status: one record per job per run, however many times the job was attempted (SQS
 * redelivers, a worker dies, a duplicate arrives), so counts read from here are exact.
 *
 * <p>A job is identified by run, pair, source key, source ETag and version id. Each recorded
 * result increments {@code attempts} and replaces the status, except that a job once COPIED
 * stays COPIED: a redelivery after a successful copy finds the destination in step and skips,
 * or fails on the second try, and neither undoes the copy that happened.
 */
public interface JobStore {
    /** The run id of jobs that came from S3 events rather than a diff run. */
    String EVENTS_RUN = "events";
    /** Longest reason stored: the rest of a long SDK message adds nothing. */
    int MAX_REASON = 2048;

    void recordResult(JobResult result);

    /** Several results at once: a store may write them in one transaction. */
    default void recordResults(java.util.List<JobResult> results) {
        results.forEach(this::recordResult);
    }

    /**
     * The result of a job's first attempt that copied the object (no earlier record of it can
     * exist): a store may gather such writes into batches. The future completes once it is durable.
     */
    default CompletableFuture<Void> recordFirstCopy(JobResult result) {
        recordResult(result);
        return CompletableFuture.completedFuture(null);
    }

    /** Jobs of one run by their current status (an outcome name), in outcome-name order. */
    Map<String, Long> outcomeCounts(String runId);

    /** One job's record, if any result was recorded for it. */
    Optional<JobStatus> status(String runId, String pairId, String sourceKey, String sourceEtag, String versionId);

    /** The run a result belongs to: event jobs share one. */
    static String runOf(String runId) {
        return runId == null ? EVENTS_RUN : runId;
    }

    /** The reason as stored: at most {@link #MAX_REASON} characters; null stays null. */
    static String storedReason(String reason) {
        return reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
    }

    /** Fixed-length id of a job's identity. */
    static String jobId(String runId, String pairId, String sourceKey, String sourceEtag, String versionId) {
        return Sha256.hex(runOf(runId), pairId, sourceKey, sourceEtag, versionId);
    }
}
