package io.s3replicator.record;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The diff runs this process knows about, so transfer outcomes reach their run's counters. */
public class RunRegistry {
    /** Runs kept after completion, so late lookups (summaries, tests) still find them. */
    private static final int MAX_KEPT = 256;

    private final Map<String, RunStats> runs = new ConcurrentHashMap<>();
    private final ReplicatorMetrics metrics;

    public RunRegistry() {
        this(null);
    }

    /** @param metrics where diff progress is counted too; null for none */
    public RunRegistry(ReplicatorMetrics metrics) {
        this.metrics = metrics;
    }

    public RunStats start(String pairId, String runId) {
        if (runs.size() >= MAX_KEPT) {
            runs.values().removeIf(RunStats::isComplete);
        }
        String id = runId != null ? runId : UUID.randomUUID().toString();
        return runs.computeIfAbsent(id, k -> new RunStats(k, pairId, metrics));
    }

    /** Runs whose diff is still listing or whose jobs are not all finished. */
    public long active() {
        return runs.values().stream().filter(r -> !r.isComplete()).count();
    }

    /** Jobs emitted by the diff and not yet finished, over all runs this process knows. */
    public long pending() {
        return runs.values().stream().mapToLong(r -> Math.max(0, r.emitted() - r.finished())).sum();
    }

    /** @return the run, or null for jobs that belong to no run (events) or to a forgotten one */
    public RunStats get(String runId) {
        return runId == null ? null : runs.get(runId);
    }
}
