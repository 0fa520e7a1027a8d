package io.s3replicator.observe;

import io.s3replicator.state.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Distributed mode: a diff's jobs finish on every worker, so the diffing process learns how
 * its run went from the shared state store (one record per job, retries included once), not by
 * summing what it saw itself. Polls the run's counts until every queued job has a final outcome.
 */
public class RunAccounting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunAccounting.class);

    private final JobStore store;
    private final Duration period;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "run-accounting");
        t.setDaemon(true);
        return t;
    });

    public RunAccounting(JobStore store, Duration period) {
        this.store = store;
        this.period = period;
    }

    /** Called when the run's diff ended: follows the store until the run is complete. */
    public void watch(RunStats stats) {
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(poller.scheduleWithFixedDelay(() -> {
            try {
                stats.recorded(store.outcomeCounts(stats.runId()));
            } catch (RuntimeException e) {
                LOG.warn("pair {}: cannot read run {} from the state store: {}", stats.pairId(), stats.runId(),
                        e.getMessage());
            }
            if (stats.isComplete() && task.get() != null) {
                task.get().cancel(false);
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
