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
    /** How long a diff's "queued" mark keeps a second diff from queueing the job again. */
    private Duration queuedTtl = Duration.ofHours(6);
    /** How long a finished job's key keeps late duplicates away. */
    private Duration doneWindow = Duration.ofMinutes(10);
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService renewal;

    protected OwnedInFlightJobs(Duration ttl) {
        if (ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("in-flight lease time must be at least 1 s, was " + ttl);
        }
        this.ttl = ttl;
    }

    /** Takes the entry if absent, expired, already {@code owner}'s, or only marked queued. */
    protected abstract boolean claim(String key, String owner);

    /** Takes the entry for {@code owner} and {@code ttl} only if absent or expired. */
    protected abstract boolean claimFree(String key, String owner, Duration ttl);

    /** Hands the entry to {@code owner} for {@code ttl}, whatever it held. */
    protected abstract void set(String key, String owner, Duration ttl);

    @Override
    public void windows(Duration queuedTtl, Duration doneWindow) {
        this.queuedTtl = queuedTtl;
        this.doneWindow = doneWindow;
    }

    @Override
    public boolean markQueued(String key) {
        return claimFree(key, QUEUED, queuedTtl);
    }

    @Override
    public void done(String key) {
        held.remove(key);
        if (doneWindow.isZero()) {
            delete(key);
        } else {
            set(key, DONE, doneWindow);
        }
    }

    protected abstract boolean delete(String key);

    protected abstract boolean extend(String key);

    @Override
    public boolean add(Exchange exchange, String key) {
        return held(key, claim(key, InFlightJobs.ownerOf(exchange)));
    }

    /** Without an exchange there is no message to take over from: a fresh owner. */
    @Override
    public boolean add(String key) {
        return held(key, claim(key, "anonymous:" + UUID.randomUUID()));
    }

    @Override
    public boolean remove(String key) {
        held.remove(key);
        return delete(key);
    }

    @Override
    public boolean renew(String key) {
        return extend(key);
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
                if (!extend(key)) {
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
