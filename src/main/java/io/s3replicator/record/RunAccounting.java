package io.s3replicator.record;

import io.s3replicator.state.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Distributed mode: a diff's jobs finish on every worker, so the diffing process learns how
 * its run went from the shared state store (one record per job, retries included once), not by
 * summing what it saw itself. Polls the run's counts until every queued job has a final outcome,
 * or until {@code limit} after the diff ended: by then no message of the run is left on the queue,
 * so a job without an outcome never gets one (its message went to the DLQ, or expired after its
 * worker died). The run then ends with those jobs counted as unknown, in one line that says so.
 */
public class RunAccounting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunAccounting.class);

    private final JobStore store;
    private final Duration period;
    private final Duration limit;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-accounting");
        t.setDaemon(true);
        return t;
    });

    /** @param limit how long after the diff ended jobs may still report (the job queue's message retention) */
    public RunAccounting(JobStore store, Duration period, Duration limit) {
        this.store = store;
        this.period = period;
        this.limit = limit;
    }

    /** Called when the run's diff ended: follows the store until the run is complete, or the limit. */
    public void watch(RunStats stats) {
        long deadline = System.nanoTime() + limit.toNanos();
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(poller.scheduleWithFixedDelay(() -> {
            try {
                stats.recorded(store.outcomeCounts(stats.runId()));
            } catch (RuntimeException e) {
                LOG.warn("pair {}: cannot read run {} from the state store: {}", stats.pairId(), stats.runId(),
                        e.getMessage());
            }
            if (!stats.isComplete() && System.nanoTime() - deadline >= 0) {
                giveUp(stats);
            }
            if (stats.isComplete() && task.get() != null) {
                task.get().cancel(false);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void giveUp(RunStats stats) {
        Map<String, Long> recorded = stats.recordedOutcomes();
        long retrying = recorded.getOrDefault("RETRYING", 0L);
        long unknown = stats.emitted() - stats.recordedFinal();
        LOG.warn("pair {}: run {}: stopped waiting for outcomes {} after the diff: {} of {} jobs have no outcome"
                        + " ({} last recorded as retrying, {} never recorded: lost to the DLQ, or expired on the queue"
                        + " after their worker died); the run's counts leave them out", stats.pairId(), stats.runId(),
                limit, unknown, stats.emitted(), retrying, Math.max(0, unknown - retrying));
        stats.outcomesUnknown(unknown);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
