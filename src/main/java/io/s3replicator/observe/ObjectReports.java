package io.s3replicator.observe;

import io.s3replicator.queue.Job;
import io.s3replicator.state.JobResult.Outcome;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The report file of each pair that asked for one ({@code sync --report}, the {@code report} pair parameter). */
public class ObjectReports implements AutoCloseable {
    private final Map<String, ObjectReport> reports = new ConcurrentHashMap<>();

    public void open(String pairId, ObjectReport report) {
        ObjectReport previous = reports.put(pairId, report);
        if (previous != null) {
            previous.close();
        }
    }

    public ObjectReport get(String pairId) {
        return reports.get(pairId);
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
    public void close() {
        reports.values().forEach(ObjectReport::close);
    }
}
