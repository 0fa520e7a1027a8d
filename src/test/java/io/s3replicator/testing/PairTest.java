package io.s3replicator.testing;

import io.s3replicator.observe.RunStats;
import org.junit.jupiter.api.AfterEach;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Base of tests that start the replicator with routes-file pairs ({@link PairsYaml}) and diff them. */
public abstract class PairTest extends TwoEndpoints {
    protected RunningReplicator replicator;

    @AfterEach
    void stopReplicator() {
        if (replicator != null) {
            replicator.close();
        }
    }

    /** Diffs a pair and waits (up to a minute) for every job of the run to end. */
    protected RunStats diff(String pairId) throws InterruptedException {
        RunStats run = replicator.diff(pairId);
        assertThat(run.awaitCompletion(60, TimeUnit.SECONDS)).as("diff of " + pairId + " complete").isTrue();
        return run;
    }
}
