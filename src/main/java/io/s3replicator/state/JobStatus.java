package io.s3replicator.state;

import io.s3replicator.state.JobResult.Outcome;

import java.time.Instant;

/**
 * What the state store knows of one job of one run: its identity, its current status and how
 * many attempts were recorded. {@code runId} is {@link JobStore#EVENTS_RUN} for event jobs.
 */
public record JobStatus(String runId, String pairId, String sourceKey, String sourceEtag, String versionId,
                        String destinationKey, String operation, Outcome status, String reason, int attempts,
                        long bytes, String path, long millis, Instant firstAt, Instant lastAt) {
}
