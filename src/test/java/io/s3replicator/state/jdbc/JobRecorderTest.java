package io.s3replicator.state.jdbc;

import io.s3replicator.state.JobResult;
import io.s3replicator.record.JobRecorder;

import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JobRecorderTest {
    static Job job(String runId, String key) {
        return new Job("p", runId, Job.Operation.COPY, key, 3, "e", null, null, "DIFF", Job.Reason.MISSING, 0);
    }

    @Test
    void outcomes_reach_the_state_store_and_the_run() {
        try (EmbeddedDatabase store = new EmbeddedDatabase(dir)) {
            RunRegistry runs = new RunRegistry();
            RunStats run = runs.start("p", null);
            new JobRecorder(store, runs).record(job(run.runId(), "k"), "k", JobResult.Outcome.COPIED, null, 3, "relay", 5);
            assertThat(run.copied.sum()).isEqualTo(1);
            assertThat(store.outcomeCounts(run.runId())).containsEntry("COPIED", 1L);
        }
    }

    @Test
    void a_state_store_that_cannot_write_still_lets_the_run_count_the_job() {
        EmbeddedDatabase store = new EmbeddedDatabase(dir);
        store.close();
        RunRegistry runs = new RunRegistry();
        RunStats run = runs.start("p", null);
        run.jobEmitted();
        run.diffFinished();

        new JobRecorder(store, runs).record(job(run.runId(), "k"), "k", JobResult.Outcome.COPIED, null, 3, "relay", 5);

        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(run.isComplete()).isTrue();
    }

    @TempDir
    Path dir;
}
