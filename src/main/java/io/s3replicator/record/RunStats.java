package io.s3replicator.record;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one diff run of one pair: what the diff saw and what became of each job.
 * A run is complete when its diff finished (or failed) and every emitted job has exactly
 * one outcome.
 *
 * <p>Longer than 300 lines on purpose: one counter per outcome and reason, read by the summary,
 * the metrics, the status page and the run-end log; split, they would be read across files.
 */
public class RunStats {
    /** Failures kept with their keys for the summary; the rest are only counted (all are in the state store). */
    public static final int MAX_LISTED_FAILURES = 1000;

    private final String runId;
    private final String pairId;
    private final long startNanos = System.nanoTime();

    public final LongAdder sourceListed;
    public final LongAdder destinationListed;
    public final LongAdder inStep;
    public final LongAdder inStepBytes = new LongAdder();
    public final LongAdder excluded;
    public final LongAdder excludedBytes = new LongAdder();
    public final LongAdder extraAtDestination;
    /** Differences a diff did not queue because the job was already queued, in flight or just done. */
    public final LongAdder alreadyQueued = new LongAdder();
    private volatile boolean leaseHeldElsewhere;
    /** Outcome counts of this run in the shared state store (distributed mode), where other workers record too. */
    private volatile Map<String, Long> recorded = Map.of();
    /** Null when metrics are off (unit tests of the diff). */
    private final ReplicatorMetrics metrics;
    private final io.micrometer.core.instrument.Counter emittedCounter;

    private final AtomicLong emitted = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    public final LongAdder copied = new LongAdder();
    public final LongAdder copiedBytes = new LongAdder();
    /** Destination objects deleted (pairs with deletes on). */
    public final LongAdder deleted = new LongAdder();
    /** Destination objects a dry run would delete. */
    public final LongAdder wouldDelete = new LongAdder();
    /** Bytes of the copy jobs the diff found so far (what a progress line counts done bytes against). */
    public final LongAdder foundBytes = new LongAdder();
    /** Bytes of multipart parts moved so far, counted as each part completes (progress of large objects). */
    public final LongAdder partBytes = new LongAdder();
    public final LongAdder wouldCopy = new LongAdder();
    public final LongAdder wouldCopyBytes = new LongAdder();
    private final Map<String, LongAdder> skippedByReason = new ConcurrentSkipListMap<>();
    public final LongAdder skippedBytes = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder failedBytes = new LongAdder();
    private final List<String[]> failures = Collections.synchronizedList(new ArrayList<>());
    /** Destination keys deleted, or that a dry run would delete, at most {@link #MAX_LISTED_FAILURES}. */
    private final List<String> deletedKeys = Collections.synchronizedList(new ArrayList<>());

    private volatile boolean diffDone;
    private volatile String diffError;
    /** Batches of this diff being sent to the queue now (the diff sends from several threads). */
    private final java.util.concurrent.atomic.AtomicInteger sendsUnderWay = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean sendsStopped;
    private volatile long endNanos;
    private volatile Runnable onComplete = () -> { };
    private volatile boolean accountingStopped;
    /** Distributed mode: jobs finish on every worker, so only the state store's counts end the run. */
    private volatile boolean countedByStore;
    private volatile long unknown;

    public RunStats(String runId, String pairId) {
        this(runId, pairId, null);
    }

    public RunStats(String runId, String pairId, ReplicatorMetrics metrics) {
        this.runId = runId;
        this.pairId = pairId;
        this.metrics = metrics;
        this.sourceListed = tally(ReplicatorMetrics.KEYS_LISTED, "side", "source");
        this.destinationListed = tally(ReplicatorMetrics.KEYS_LISTED, "side", "destination");
        this.inStep = tally(ReplicatorMetrics.DIFF_OBJECTS, "verdict", "in_step");
        this.excluded = tally(ReplicatorMetrics.DIFF_OBJECTS, "verdict", "excluded");
        this.extraAtDestination = tally(ReplicatorMetrics.DIFF_OBJECTS, "verdict", "extra_at_destination");
        this.emittedCounter = metrics == null ? null
                : metrics.diffCounter(ReplicatorMetrics.JOBS_EMITTED, pairId, "origin", "diff");
    }

    private LongAdder tally(String name, String tag, String value) {
        return metrics == null ? new LongAdder() : new Tally(metrics.diffCounter(name, pairId, tag, value));
    }

    public String runId() {
        return runId;
    }

    public String pairId() {
        return pairId;
    }

    public void jobEmitted() {
        emitted.incrementAndGet();
        if (emittedCounter != null) {
            emittedCounter.increment();
        }
    }

    public long emitted() {
        return emitted.get();
    }

    public long finished() {
        return finished.get();
    }

    public void copied(long bytes) {
        copied.increment();
        copiedBytes.add(bytes);
        jobFinished();
    }

    public void deleted() {
        deleted.increment();
        jobFinished();
    }

    /** A destination object deleted, named for the summary. */
    public void deleted(String destinationKey) {
        listDeleted(destinationKey);
        deleted();
    }

    /** A destination object a dry run would delete. */
    public void wouldDelete(String destinationKey) {
        listDeleted(destinationKey);
        wouldDelete.increment();
        jobFinished();
    }

    private void listDeleted(String destinationKey) {
        synchronized (deletedKeys) {
            if (deletedKeys.size() < MAX_LISTED_FAILURES) {
                deletedKeys.add(destinationKey);
            }
        }
    }

    /** Destination keys deleted (or, in a dry run, that would be), at most {@link #MAX_LISTED_FAILURES}, in the order they went. */
    public List<String> deletedKeys() {
        synchronized (deletedKeys) {
            return List.copyOf(deletedKeys);
        }
    }

    public void wouldCopy(long bytes) {
        wouldCopy.increment();
        wouldCopyBytes.add(bytes);
        jobFinished();
    }

    public void skipped(String reason, long bytes) {
        skippedByReason.computeIfAbsent(reason, r -> new LongAdder()).increment();
        skippedBytes.add(bytes);
        jobFinished();
    }

    public void failed(String key, String reason, long bytes) {
        failed.increment();
        failedBytes.add(bytes);
        synchronized (failures) {
            if (failures.size() < MAX_LISTED_FAILURES) {
                failures.add(new String[] {key, reason});
            }
        }
        jobFinished();
    }

    public Map<String, Long> skippedByReason() {
        Map<String, Long> out = new ConcurrentSkipListMap<>();
        skippedByReason.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long skippedTotal() {
        return skippedByReason.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Failed keys with reasons, at most {@link #MAX_LISTED_FAILURES}. */
    public List<String[]> failures() {
        synchronized (failures) {
            return List.copyOf(failures);
        }
    }

    public synchronized void diffFinished() {
        if (!diffDone && metrics != null) {
            metrics.diffEnded(pairId, diffError != null);
        }
        diffDone = true;
        notifyAll();
        checkComplete();
    }

    public synchronized void diffFailed(String reason) {
        diffError = reason;
        diffFinished();
    }

    /**
     * A send of this diff's jobs may start: false once the diff stopped sending (it failed). Every
     * true is followed by one {@link #sendEnded}.
     */
    public boolean sendStarting() {
        sendsUnderWay.incrementAndGet();
        if (sendsStopped) {
            sendEnded();
            return false;
        }
        return true;
    }

    public void sendEnded() {
        if (sendsUnderWay.decrementAndGet() == 0) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /**
     * No send of this diff starts from now on; waits at most {@code timeout} for those under way.
     * A failed diff reports only after this, so none of its jobs reaches the queue after the run
     * ended (a queue made again later would get them, and their marks would hide them from the next diff).
     *
     * @return whether every send under way ended in time
     */
    public synchronized boolean stopSends(java.time.Duration timeout) throws InterruptedException {
        sendsStopped = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sendsUnderWay.get() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Another replica holds the diff lease: this run queues nothing and is complete at once. */
    public void leaseHeldElsewhere() {
        leaseHeldElsewhere = true;
    }

    public boolean isLeaseHeldElsewhere() {
        return leaseHeldElsewhere;
    }

    public String diffError() {
        return diffError;
    }

    /** Whether the diff finished listing (or failed): from then on, what it found is all there is. */
    public boolean isDiffDone() {
        return diffDone;
    }

    private synchronized void jobFinished() {
        finished.incrementAndGet();
        checkComplete();
    }

    private void checkComplete() {
        if (isComplete() && endNanos == 0) {
            endNanos = System.nanoTime();
            notifyAll();
            onComplete.run();
        }
    }

    /** Runs once, on the thread that finishes the run. */
    public void onComplete(Runnable action) {
        this.onComplete = action;
    }

    public boolean isComplete() {
        if (countedByStore) {
            // This worker's own count is no measure: other workers finish jobs, and twins of a job (diff and
            // event) each count here.
            return diffDone && (recordedFinal() >= emitted.get() || accountingStopped);
        }
        return diffDone && (finished.get() >= emitted.get() || recordedFinal() >= emitted.get() || accountingStopped);
    }

    /** The run ends when the shared state store holds an outcome for each of its jobs (see RunAccounting). */
    public void countedByStore() {
        countedByStore = true;
    }

    /**
     * The run's outcome counts as the shared state store holds them: with many workers most
     * jobs finish elsewhere, so completion and exact counts come from there, one record per job
     * however often it was retried.
     */
    public synchronized void recorded(Map<String, Long> outcomeCounts) {
        recorded = Map.copyOf(outcomeCounts);
        checkComplete();
        notifyAll();
    }

    /** Jobs of the run whose outcome will never be known: the accounting stopped waiting for them. */
    public long unknownOutcomes() {
        return unknown;
    }

    /** The accounting stopped waiting for {@code count} jobs' outcomes: the run ends without them. */
    public synchronized void outcomesUnknown(long count) {
        unknown = Math.max(0, count);
        accountingStopped = true;
        checkComplete();
        notifyAll();
    }

    public Map<String, Long> recordedOutcomes() {
        return recorded;
    }

    /** Jobs with a final outcome in the state store (RETRYING is not one). */
    public long recordedFinal() {
        Map<String, Long> r = recorded;
        return r.getOrDefault("COPIED", 0L) + r.getOrDefault("SKIPPED", 0L) + r.getOrDefault("DRY_RUN", 0L)
                + r.getOrDefault("FAILED", 0L) + r.getOrDefault("DELETED", 0L);
    }

    /** @return true when complete within the timeout */
    public synchronized boolean awaitCompletion(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!isComplete()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    public double elapsedSeconds() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        return (end - startNanos) / 1e9;
    }
}
