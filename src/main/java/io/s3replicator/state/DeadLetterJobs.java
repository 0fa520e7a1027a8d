package io.s3replicator.state;

import java.time.Instant;
import java.util.List;

/**
 * The dead-letter table of a queue that keeps none itself (the in-memory {@code seda:} queue): jobs
 * that can never succeed as they are, with the reason. SQS has its own DLQ; both are listed and
 * redriven by the {@code dlq} command.
 *
 * <p>One entry per job identity ({@code id}): a job that fails again (the next diff finds the
 * same object) updates its entry instead of adding another. {@code dlq redrive} marks entries; a
 * running replicator takes the marked ones (unmarking them) and queues their jobs. An entry leaves
 * the table only when its job ends well, so a job taken and then lost to a stop stays listed.
 */
public interface DeadLetterJobs {
    /**
     * @param failures times the job came here (a redriven job that fails again adds one)
     * @param redrive  marked by {@code dlq redrive}, not yet ended
     */
    record Entry(String id, Instant failedAt, String pairId, String reason, String body, int failures,
                 boolean redrive) {
    }

    /** The job failed for good: keep it with the reason (unmarked for redrive, if it was). */
    void add(String id, String pairId, String reason, String body);

    /** Entries oldest failure first, at most {@code max}. */
    List<Entry> list(int max);

    /** Marks at most {@code max} unmarked entries for redrive, oldest first; returns how many. */
    int markForRedrive(int max);

    /** Takes at most {@code max} entries marked for redrive, oldest first, unmarking each (still listed). */
    List<Entry> takeMarked(int max);

    /** The job ended well (copied, in step, skipped): its entry, if any, goes. */
    void remove(String id);
}
