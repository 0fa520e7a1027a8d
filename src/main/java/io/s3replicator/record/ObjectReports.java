package io.s3replicator.record;

import io.s3replicator.model.Job;
import io.s3replicator.state.JobResult.Outcome;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The report file of each pair that asked for one ({@code sync --report}, the {@code report} pair
 * parameter). Lines are buffered and reach the files every second (and at once for a failure, and
 * on close), so a killed process loses at most a second of them, and an idle one none.
 */
public class ObjectReports implements AutoCloseable {
    private final Map<String, ObjectReport> reports = new ConcurrentHashMap<>();
    private ScheduledExecutorService flusher;

    public synchronized void open(String pairId, ObjectReport report) {
        ObjectReport previous = reports.put(pairId, report);
        if (previous != null) {
            previous.close();
        }
        if (flusher == null) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "report-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(() -> reports.values().forEach(ObjectReport::flush), 1, 1,
                    TimeUnit.SECONDS);
        }
    }

    /**
     * A job's outcome, on its pair's report if it has one. RETRYING is not an outcome yet: the
     * attempt that ends the job writes its line.
     */
    public void record(Job job, String destinationKey, Outcome outcome, String reason, long bytes, String path,
                       String destinationEtag, long millis) {
        ObjectReport report = reports.get(job.pairId());
        if (report == null || outcome == Outcome.RETRYING) {
            return;
        }
        long size = outcome == Outcome.COPIED || outcome == Outcome.DRY_RUN ? bytes : job.size();
        report.write(new ObjectReport.Line(job.key(), job.versionId(), outcome == Outcome.FAILED,
                job.operation().name(), size, outcome.name(), reason, path, job.etag(), destinationKey,
                destinationEtag, millis));
    }

    @Override
    public synchronized void close() {
        if (flusher != null) {
            flusher.shutdownNow();
            flusher = null;
        }
        reports.values().forEach(ObjectReport::close);
    }
}
