package io.s3replicator.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The embedded job store's writes, off the copying threads: results wait in a bounded queue
 * and one writer commits whatever has gathered in one transaction (group commit). With a
 * commit per result, the workers queued on the database file's lock for longer than the
 * copies took. Reads see every result recorded before them (they wait for the writer).
 *
 * <p>What a crash can lose: the results of the last batch, an audit record only. Whether an
 * object is in step is always read from the destination, never from here.
 */
public final class WriteBehindJobStore implements JobStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehindJobStore.class);
    /** Results waiting at most; a full queue makes the copying threads wait (bounded memory). */
    private static final int CAPACITY = 10_000;
    private static final int BATCH = 1_000;

    private final JobStore store;
    private final BlockingQueue<JobResult> pending = new LinkedBlockingQueue<>(CAPACITY);
    private final Thread writer;
    private long queued;
    private long written;
    private volatile boolean closing;

    public WriteBehindJobStore(JobStore store) {
        this.store = store;
        this.writer = new Thread(this::write, "job-results-writer");
        writer.setDaemon(true);
        writer.start();
    }

    @Override
    public void recordResult(JobResult result) {
        synchronized (this) {
            queued++;
        }
        // A writer that stopped (closed, or died of an Error) would leave put() blocked for good once
        // the queue is full: write on the caller's thread instead.
        if (closing || !writer.isAlive()) {
            writeNow(result);
            return;
        }
        try {
            pending.put(result);
        } catch (InterruptedException e) {
            writeNow(result); // not lost for an interrupted caller; the flag is set again after the write
            Thread.currentThread().interrupt();
        }
    }

    private void writeNow(JobResult result) {
        try {
            store.recordResult(result);
        } finally {
            markWritten(1);
        }
    }

    @Override
    public Map<String, Long> outcomeCounts(String runId) {
        flush();
        return store.outcomeCounts(runId);
    }

    @Override
    public Optional<JobStatus> status(String runId, String pairId, String sourceKey, String sourceEtag,
                                      String versionId) {
        flush();
        return store.status(runId, pairId, sourceKey, sourceEtag, versionId);
    }

    /** Waits until every result recorded before this call is committed. */
    synchronized void flush() {
        long target = queued;
        while (written < target && writer.isAlive()) {
            try {
                wait(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write() {
        List<JobResult> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                JobResult first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                pending.drainTo(batch, BATCH - 1);
                store.recordResults(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // What happened to the objects still happened (the run's counters have it).
                LOG.error("{} job results not written to the state store: {}", batch.size(), e.getMessage());
            }
            markWritten(batch.size());
            batch.clear();
        }
    }

    private synchronized void markWritten(int count) {
        written += count;
        notifyAll();
    }

    /** Writes what is still waiting, then stops the writer. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
