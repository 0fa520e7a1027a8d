package io.s3replicator.state;

import io.s3replicator.observe.RunRegistry;
import io.s3replicator.observe.RunStats;
import io.s3replicator.queue.Job;
import io.s3replicator.state.JobResult.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RECORD: the one place a job's end is written, to the state store, to its run's counters
 * and to the per-object log ({@code io.s3replicator.objects}, one line per finished object).
 */
public class JobRecorder {
    private static final Logger OBJECTS = LoggerFactory.getLogger("io.s3replicator.objects");

    private final StateStore store;
    private final RunRegistry runs;

    public JobRecorder(StateStore store, RunRegistry runs) {
        this.store = store;
        this.runs = runs;
    }

    public void record(Job job, String destinationKey, Outcome outcome, String reason, long bytes, String path,
                       long millis) {
        store.recordResult(new JobResult(job.runId(), job.pairId(), job.key(), destinationKey, job.operation().name(),
                outcome, reason, job.etag(), bytes, path, millis));
        RunStats stats = runs.get(job.runId());
        if (stats != null) {
            switch (outcome) {
                case COPIED -> stats.copied(bytes);
                case DRY_RUN -> stats.wouldCopy(bytes);
                case SKIPPED -> stats.skipped(reason, job.size());
                case FAILED -> stats.failed(job.key(), reason, job.size());
            }
        }
        if (outcome == Outcome.FAILED) {
            OBJECTS.warn("pair={} key={} size={} outcome=FAILED ms={} reason={}", job.pairId(), job.key(), job.size(),
                    millis, reason);
        } else {
            OBJECTS.info("pair={} key={} size={} outcome={} path={} ms={}{}", job.pairId(), job.key(), bytes, outcome,
                    path == null ? "-" : path, millis, reason == null ? "" : " reason=" + reason);
        }
    }
}
