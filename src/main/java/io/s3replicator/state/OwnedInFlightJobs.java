package io.s3replicator.state;

import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What every {@link InFlightJobs} backend shares: the owner of a claim, confirm as a no-op,
 * and the renewal of the entries this process holds (every third of the lease time), so only
 * a dead worker's entries expire.
 */
abstract class OwnedInFlightJobs extends ServiceSupport implements InFlightJobs {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedInFlightJobs.class);

    protected final Duration ttl;
    private final OwnedEntries entries;
    /** How long a diff's "queued" mark keeps a second diff from queueing the job again. */
    private Duration queuedTtl = Duration.ofHours(6);
    /** How long a finished job's key keeps late duplicates away. */
    private Duration doneWindow = Duration.ofMinutes(10);
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService renewal;

    protected OwnedInFlightJobs(Duration ttl, OwnedEntries entries) {
        this.entries = entries;
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("in-flight lease time must be at least 1 s, was " + ttl);
        }
        this.ttl = ttl;
    }


    @Override
    public void windows(Duration queuedTtl, Duration doneWindow) {
        this.queuedTtl = queuedTtl;
        this.doneWindow = doneWindow;
    }

    /** Marked for the in-flight TTL only, like a claim, until {@link #queued} confirms the message was sent. */
    @Override
    public boolean markQueued(String key) {
        return entries.claimFree(key, QUEUED, ttl.toMillis());
    }

    @Override
    public void queued(String key) {
        entries.renewIfOwner(key, QUEUED, queuedTtl.toMillis());
    }

    @Override
    public Set<String> alreadyQueued(java.util.Collection<String> keys) {
        return entries.liveAmong(keys);
    }

    /**
     * As a claim by {@link #QUEUED}: a worker that already took the job (its claim, or its done mark)
     * keeps it, and a mark is never written over it.
     */
    @Override
    public void markAllQueued(java.util.Collection<String> keys) {
        entries.claimAll(keys, QUEUED, queuedTtl.toMillis());
    }

    @Override
    public void done(String key) {
        held.remove(key);
        if (doneWindow.isZero()) {
            entries.delete(key);
        } else {
            // Nothing waits for it: a late duplicate in the moment before it is written is still a skip at the destination.
            entries.setLater(key, DONE, doneWindow.toMillis()).exceptionally(e -> {
                LOG.warn("cannot mark a finished job done (a late duplicate will look at the destination): {}",
                        e.getMessage());
                return null;
            });
        }
    }

    @Override
    public boolean contains(String key) {
        return entries.isLive(key);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        return held(key, entries.claim(key, InFlightJobs.ownerOf(exchange), ttl.toMillis()));
    }

    /** Without an exchange there is no message to take over from: a fresh owner. */
    @Override
    public boolean add(String key) {
        return held(key, entries.claim(key, "anonymous:" + UUID.randomUUID(), ttl.toMillis()));
    }

    @Override
    public boolean remove(String key) {
        held.remove(key);
        return entries.delete(key);
    }

    @Override
    public boolean renew(String key) {
        return entries.renew(key, ttl.toMillis());
    }

    /** Entries are removed when their job ends; there is nothing to confirm. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Renews every entry this process holds now (the background task; tests call it directly). */
    void renewHeld() {
        for (String key : held) {
            try {
                if (!entries.renew(key, ttl.toMillis())) {
                    held.remove(key); // removed elsewhere: nothing to keep alive
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot renew in-flight job {}: {}", key, e.getMessage());
            }
        }
    }

    private boolean held(String key, boolean claimed) {
        if (claimed) {
            held.add(key);
        }
        return claimed;
    }

    @Override
    protected void doStart() {
        long period = Math.max(1000, ttl.toMillis() / 3);
        renewal = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "in-flight-renewal");
            t.setDaemon(true);
            return t;
        });
        renewal.scheduleWithFixedDelay(this::renewHeld, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() {
        if (renewal != null) {
            renewal.shutdownNow();
            renewal = null;
        }
    }
}
