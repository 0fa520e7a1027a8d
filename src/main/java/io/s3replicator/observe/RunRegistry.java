package io.s3replicator.observe;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The diff runs this process knows about, so transfer outcomes reach their run's counters. */
public class RunRegistry {
    /** Runs kept after completion, so late lookups (summaries, tests) still find them. */
    private static final int MAX_KEPT = 256;

    private final Map<String, RunStats> runs = new ConcurrentHashMap<>();

    public RunStats start(String pairId, String runId) {
        if (runs.size() >= MAX_KEPT) {
            runs.values().removeIf(RunStats::isComplete);
        }
        String id = runId != null ? runId : UUID.randomUUID().toString();
        return runs.computeIfAbsent(id, k -> new RunStats(k, pairId));
    }

    /** @return the run, or null for jobs that belong to no run (events) or to a forgotten one */
    public RunStats get(String runId) {
        return runId == null ? null : runs.get(runId);
    }
}
