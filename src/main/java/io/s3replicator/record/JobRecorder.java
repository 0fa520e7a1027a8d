package io.s3replicator.record;

import io.s3replicator.state.JobStore;

import io.s3replicator.state.JobResult;

import io.s3replicator.model.Job;
import io.s3replicator.state.JobResult.Outcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * RECORD: the one place a job's end is written, to the job store (one record per job per run),
 * to its run's counters, to the per-object log ({@code io.s3replicator.objects}, one line
 * per finished object) and to the pair's report file, if it has one.
 */
public class JobRecorder {
    private static final Logger OBJECTS = LoggerFactory.getLogger("io.s3replicator.objects");
    private static final Logger LOG = LoggerFactory.getLogger(JobRecorder.class);

    private final JobStore store;
    private final RunRegistry runs;
    private final ReplicatorMetrics metrics;
    private ObjectReports reports;

    public JobRecorder(JobStore store, RunRegistry runs) {
        this(store, runs, null);
    }

    /** @param metrics process-wide counters by pair and outcome; null for none */
    public JobRecorder(JobStore store, RunRegistry runs, ReplicatorMetrics metrics) {
        this.store = store;
        this.runs = runs;
        this.metrics = metrics;
    }

    /** @param reports the pairs' report files ({@code sync --report}, the {@code report} pair parameter) */
    public JobRecorder withReports(ObjectReports reports) {
        this.reports = reports;
        return this;
    }

    public void record(Job job, String destinationKey, Outcome outcome, String reason, long bytes, String path,
                       long millis) {
        record(job, destinationKey, outcome, reason, bytes, path, millis, null, false);
    }

    /**
     * @param destinationEtag the ETag of what was written, when the job wrote an object
     * @param firstAttempt    no earlier attempt of this job can have been recorded (the message's first
     *                        delivery): a copy may then be written in a batch with others
     * @return completes when the result is durable (at once unless it is written in a batch)
     */
    public CompletableFuture<Void> record(Job job, String destinationKey, Outcome outcome, String reason, long bytes,
                                          String path, long millis, String destinationEtag, boolean firstAttempt) {
        CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
        try {
            JobResult result = new JobResult(job.runId(), job.pairId(), job.key(), destinationKey,
                    job.operation().name(), outcome, reason, job.etag(), job.versionId(), bytes, path, millis);
            if (firstAttempt && outcome == Outcome.COPIED) {
                durable = store.recordFirstCopy(result).whenComplete((done, e) -> {
                    if (e != null) {
                        LOG.error("pair {}: result of {} ({}) not written to the state store: {}", job.pairId(),
                                job.key(), outcome, e.getMessage());
                    }
                });
            } else {
                store.recordResult(result);
            }
        } catch (RuntimeException e) {
            // What happened to the object still happened: count and log it, so a run never waits
            // forever for an outcome the database could not take.
            LOG.error("pair {}: result of {} ({}) not written to the state store: {}", job.pairId(), job.key(),
                    outcome, e.getMessage());
        }
        // Before the run's counters: the last outcome completes the run, and sync then closes the report.
        if (reports != null) {
            reports.record(job, destinationKey, outcome, reason, bytes, path, destinationEtag, millis);
        }
        RunStats stats = runs.get(job.runId());
        if (stats != null) {
            switch (outcome) {
                case COPIED -> stats.copied(bytes);
                case DELETED -> stats.deleted(destinationKey);
                case DRY_RUN -> {
                    if (job.operation() == Job.Operation.DELETE) {
                        stats.wouldDelete(destinationKey);
                    } else {
                        stats.wouldCopy(bytes);
                    }
                }
                case SKIPPED -> stats.skipped(reason, job.size());
                case FAILED -> stats.failed(job.key(), reason, job.size());
                case RETRYING -> {
                    // Not an outcome yet: the run waits for the redelivered attempt.
                }
            }
        }
        if (metrics != null) {
            metrics.jobFinished(job.pairId(), outcome.name(), reason, bytes, path, millis);
        }
        // kv(): "pair=x" in text lines, separate fields in JSON lines (LOG_FORMAT=json).
        if (outcome == Outcome.FAILED || outcome == Outcome.RETRYING) {
            OBJECTS.warn("{} {} {} {} {} {}", kv("pair", job.pairId()), kv("key", job.key()),
                    kv("size", job.size()), kv("outcome", outcome), kv("ms", millis), kv("reason", reason));
        } else {
            OBJECTS.info("{} {} {} {} {} {}{}", kv("pair", job.pairId()), kv("key", job.key()), kv("size", bytes),
                    kv("outcome", outcome), kv("path", path == null ? "-" : path), kv("ms", millis),
                    reason == null ? "" : " " + kv("reason", reason));
        }
        return durable;
    }
}
