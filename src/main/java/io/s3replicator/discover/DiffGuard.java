package io.s3replicator.discover;

import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.Leases;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps N replicas from diffing one pair N times, in distributed mode: a lease per pair in the
 * shared state store (held, and renewed in the background, while the diff runs), and a
 * "queued" mark per job, so a diff never enqueues a job that is already queued, in flight or
 * just done. It never waits for the queue to drain: a stuck message cannot stall a pair.
 * On one machine ({@link #none()}) both are off; in both modes a process never runs two diffs
 * of one pair at once.
 */
public class DiffGuard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiffGuard.class);

    private final Leases leases;
    private final InFlightJobs inFlight;
    private final Duration leaseTtl;
    private final String owner;
    private final Map<String, ScheduledFuture<?>> held = new ConcurrentHashMap<>();
    /** Pairs this process is diffing now. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewal;

    public DiffGuard(Leases leases, InFlightJobs inFlight, Duration leaseTtl) {
        this.leases = leases;
        this.inFlight = inFlight;
        this.leaseTtl = leaseTtl;
        // Unique per process, readable in the lease item: host/pid and a random suffix.
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.renewal = leases == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "diff-lease-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** One machine: no lease, no marks. */
    public static DiffGuard none() {
        return new DiffGuard(null, null, Duration.ZERO);
    }

    /** True if this process may diff the pair now (and then holds its lease until {@link #release}). */
    public boolean acquire(String pairId) {
        // A lease is re-entrant for its holder: without this, a schedule shorter than a diff would
        // start the pair's next diff in this very process while the last one still runs.
        if (!running.add(pairId)) {
            return false;
        }
        if (leases == null) {
            return true;
        }
        String name = leaseName(pairId);
        boolean acquired;
        try {
            acquired = leases.tryAcquire(name, owner, leaseTtl);
        } catch (RuntimeException e) {
            running.remove(pairId);
            throw e;
        }
        if (!acquired) {
            running.remove(pairId);
            return false;
        }
        long period = Math.max(1, leaseTtl.toMillis() / 3);
        held.put(pairId, renewal.scheduleWithFixedDelay(() -> renew(pairId), period, period, TimeUnit.MILLISECONDS));
        return true;
    }

    private void renew(String pairId) {
        try {
            if (!leases.tryAcquire(leaseName(pairId), owner, leaseTtl)) {
                // Expired while we stalled and another replica took it: the queued marks still keep
                // the two diffs from enqueueing a job twice.
                LOG.warn("pair {}: lost the diff lease to another replica; this diff goes on", pairId);
            }
        } catch (RuntimeException e) {
            LOG.warn("pair {}: cannot renew the diff lease: {}", pairId, e.getMessage());
        }
    }

    public void release(String pairId) {
        running.remove(pairId);
        if (leases == null) {
            return;
        }
        ScheduledFuture<?> task = held.remove(pairId);
        if (task != null) {
            task.cancel(false);
        }
        try {
            leases.release(leaseName(pairId), owner);
        } catch (RuntimeException e) {
            LOG.warn("pair {}: cannot release the diff lease (it expires in {} s): {}", pairId, leaseTtl.toSeconds(),
                    e.getMessage());
        }
    }

    /** True if the job should be queued: always on one machine, else unless already queued, in flight or just done. */
    public boolean markQueued(String jobIdentity) {
        return inFlight == null || inFlight.markQueued(jobIdentity);
    }

    /**
     * The job is on the queue: its mark now lasts as long as the message can. Not fatal if this
     * fails: the mark then expires with the in-flight TTL and a later diff may queue a duplicate.
     */
    public void queued(String jobIdentity) {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.queued(jobIdentity);
        } catch (RuntimeException e) {
            LOG.warn("cannot keep the queued mark of a job sent to the queue (a later diff may queue it again): {}",
                    e.getMessage());
        }
    }

    /** The identities among these that must not be queued again (already queued, in flight or just done). */
    public Set<String> alreadyQueued(java.util.Collection<String> jobIdentities) {
        return inFlight == null ? Set.of() : inFlight.alreadyQueued(jobIdentities);
    }

    /**
     * These jobs are on the queue (one batch): marked queued. Not fatal if this fails: a later diff
     * may then queue them again, and the workers drop the duplicates.
     */
    public void queuedAll(java.util.Collection<String> jobIdentities) {
        if (inFlight == null || jobIdentities.isEmpty()) {
            return;
        }
        try {
            inFlight.markAllQueued(jobIdentities);
        } catch (RuntimeException e) {
            LOG.warn("cannot mark {} jobs sent to the queue as queued (a later diff may queue them again): {}",
                    jobIdentities.size(), e.getMessage());
        }
    }

    /** Takes back a mark whose job never reached the queue. */
    public void unmark(String jobIdentity) {
        if (inFlight != null) {
            inFlight.unmarkQueued(jobIdentity);
        }
    }

    static String leaseName(String pairId) {
        return "diff#" + pairId;
    }

    @Override
    public void close() {
        if (renewal != null) {
            renewal.shutdownNow();
        }
    }
}
