package io.s3replicator.testing;

import io.s3replicator.record.RunStats;
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

    /**
     * Waits for the next whole second. A delete is refused when the destination's original write is
     * not older than the delete to the second (last-modified has whole seconds; a tie keeps the
     * object), so a test that writes and then deletes within one second would see no delete.
     */
    protected static void nextSecond() throws InterruptedException {
        Thread.sleep(1000 - System.currentTimeMillis() % 1000 + 20);
    }
}
