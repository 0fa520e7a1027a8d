package io.s3replicator.state;

import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
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
public abstract class OwnedInFlightJobs extends ServiceSupport implements InFlightJobs {
    private static final Logger LOG = LoggerFactory.getLogger(OwnedInFlightJobs.class);

    protected final Duration ttl;
    private final OwnedEntries entries;
    /** How long a diff's "queued" mark keeps a second diff from queueing the job again. */
    private Duration queuedTtl = Duration.ofHours(6);
    /** How long a finished job's key keeps late duplicates away. */
    private Duration doneWindow = Duration.ofMinutes(10);
    /** Key -> owner of the entries this process holds, renewed in the background. */
    private final Map<String, String> held = new ConcurrentHashMap<>();
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
        String owner = InFlightJobs.ownerOf(exchange);
        boolean markLikely = !Boolean.TRUE.equals(exchange.getProperty(NO_QUEUED_MARK, Boolean.class));
        return held(key, owner, entries.claim(key, owner, ttl.toMillis(), markLikely));
    }

    @Override
    public boolean addNew(Exchange exchange, String key) {
        String owner = InFlightJobs.ownerOf(exchange);
        return held(key, owner, entries.claim(key, owner, ttl.toMillis(), false));
    }

    /** Without an exchange there is no message to take over from: a fresh owner. */
    @Override
    public boolean add(String key) {
        String owner = "anonymous:" + UUID.randomUUID();
        return held(key, owner, entries.claim(key, owner, ttl.toMillis()));
    }

    @Override
    public Duration heldByAnotherReceive(Exchange exchange, String key) {
        String sqs = exchange.getMessage().getHeader(SQS_MESSAGE_ID, String.class);
        if (sqs == null) {
            return null;
        }
        OwnedEntries.Holder holder = entries.holder(key);
        if (holder == null || !holder.owner().startsWith(InFlightJobs.messageOwnerPrefix(sqs))
                || holder.owner().equals(InFlightJobs.ownerOf(exchange))) {
            return null;
        }
        return untilExpiry(holder);
    }

    /** Releases the entry only while this exchange's receive holds it: a receive that took over keeps it. */
    @Override
    public boolean remove(Exchange exchange, String key) {
        String owner = InFlightJobs.ownerOf(exchange);
        held.remove(key, owner);
        return entries.deleteIfOwner(key, owner);
    }

    /** Whoever holds it: for callers outside a job (tests, tools). Jobs release with {@link #remove(Exchange, String)}. */
    @Override
    public boolean remove(String key) {
        held.remove(key);
        return entries.delete(key);
    }

    @Override
    public Duration heldFor(String key) {
        OwnedEntries.Holder holder = entries.holder(key);
        return holder == null ? null : untilExpiry(holder);
    }

    /** A hint for when to look again, so the wall clock will do (the stores decide expiry with their own). */
    private static Duration untilExpiry(OwnedEntries.Holder holder) {
        return Duration.ofMillis(Math.max(0, holder.expiresAt() - System.currentTimeMillis()));
    }

    @Override
    public void forgetDone(String key) {
        entries.deleteIfOwner(key, DONE);
    }

    @Override
    public void unmarkQueued(String key) {
        entries.deleteIfOwner(key, QUEUED);
    }

    /** Entries are removed when their job ends; there is nothing to confirm. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Renews every entry this process holds now (the background task; tests call it directly). */
    void renewHeld() {
        for (Map.Entry<String, String> entry : held.entrySet()) {
            String key = entry.getKey();
            try {
                if (!entries.renewIfOwner(key, entry.getValue(), ttl.toMillis())) {
                    held.remove(key, entry.getValue()); // released or taken over elsewhere: nothing to keep alive
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot renew in-flight job {}: {}", key, e.getMessage());
            }
        }
    }

    private boolean held(String key, String owner, boolean claimed) {
        if (claimed) {
            held.put(key, owner);
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
