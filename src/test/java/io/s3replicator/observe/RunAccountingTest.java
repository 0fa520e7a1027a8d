package io.s3replicator.observe;

import io.s3replicator.record.RunAccounting;

import io.s3replicator.record.RunStats;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.s3replicator.state.jdbc.JdbcJobStore;
import io.s3replicator.state.JobResult;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Distributed-mode run accounting against a real job store (H2): it ends, whether or not every job reports. */
class RunAccountingTest {
    final JdbcConnectionPool db = JdbcConnectionPool.create("jdbc:h2:mem:accounting-" + UUID.randomUUID()
            + ";DB_CLOSE_DELAY=-1", "sa", "");
    final JdbcJobStore store = new JdbcJobStore(db);
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(RunAccounting.class)).addAppender(logs);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger(RunAccounting.class)).detachAppender(logs);
        db.dispose();
    }

    RunStats runOf(String runId, int jobs) {
        RunStats stats = new RunStats(runId, "pair");
        for (int i = 0; i < jobs; i++) {
            stats.jobEmitted();
        }
        stats.diffFinished();
        return stats;
    }

    void record(String runId, String key, JobResult.Outcome outcome) {
        store.recordResult(new JobResult(runId, "pair", key, key, "COPY", outcome, null, "e", null, 1, null, 1));
    }

    @Test
    void a_run_whose_jobs_never_all_report_stops_polling_after_the_bound_and_says_what_is_unknown() throws Exception {
        RunStats stats = runOf("lost", 4);
        record("lost", "a", JobResult.Outcome.COPIED);
        record("lost", "b", JobResult.Outcome.COPIED);
        // c's worker retried it, then its message went to the DLQ; d was never received.
        record("lost", "c", JobResult.Outcome.RETRYING);
        try (RunAccounting accounting = new RunAccounting(store, Duration.ofMillis(20), Duration.ofMillis(300))) {
            accounting.watch(stats);
            assertThat(stats.awaitCompletion(10, TimeUnit.SECONDS)).as("the run ends").isTrue();
        }
        assertThat(stats.unknownOutcomes()).isEqualTo(2);
        assertThat(stats.recordedOutcomes()).containsEntry("COPIED", 2L);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).anySatisfy(line -> assertThat(line)
                .contains("pair pair", "run lost", "2 of 4 jobs have no outcome", "1 last recorded as retrying",
                        "1 never recorded"));
    }

    @Test
    void a_run_whose_jobs_all_report_ends_with_nothing_unknown() throws Exception {
        RunStats stats = runOf("whole", 2);
        record("whole", "a", JobResult.Outcome.COPIED);
        record("whole", "b", JobResult.Outcome.FAILED);
        try (RunAccounting accounting = new RunAccounting(store, Duration.ofMillis(20), Duration.ofMinutes(5))) {
            accounting.watch(stats);
            assertThat(stats.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(stats.unknownOutcomes()).isZero();
        assertThat(logs.list).isEmpty();
    }
}
