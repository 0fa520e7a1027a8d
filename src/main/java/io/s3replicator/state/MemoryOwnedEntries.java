package io.s3replicator.state;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link OwnedEntries} in this process's memory: the embedded mode's jobs in flight. The
 * embedded queue lives in memory too and is empty after a restart, so these entries need no
 * file (and the store cleared them at start anyway); keeping them off the database saves
 * three committed statements per object. Each operation is one atomic map update.
 */
public final class MemoryOwnedEntries implements OwnedEntries {
    private record Entry(String owner, long expiresAt) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public MemoryOwnedEntries(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean claim(String id, String owner, long ttlMillis) {
        return take(id, owner, ttlMillis, true);
    }

    @Override
    public boolean claimFree(String id, String owner, long ttlMillis) {
        return take(id, owner, ttlMillis, false);
    }

    private boolean take(String id, String owner, long ttlMillis, boolean ownOrQueued) {
        long now = clock.millis();
        Entry mine = new Entry(owner, now + ttlMillis);
        Entry after = entries.compute(id, (k, e) -> e == null || e.expiresAt() < now
                || ownOrQueued && (e.owner().equals(owner) || e.owner().equals(InFlightJobs.QUEUED)) ? mine : e);
        return after == mine;
    }

    @Override
    public void set(String id, String owner, long ttlMillis) {
        entries.put(id, new Entry(owner, clock.millis() + ttlMillis));
    }

    @Override
    public Holder holder(String id) {
        Entry e = entries.get(id);
        return e != null && e.expiresAt() >= clock.millis() ? new Holder(e.owner(), e.expiresAt()) : null;
    }

    @Override
    public boolean renewIfOwner(String id, String owner, long ttlMillis) {
        long expiresAt = clock.millis() + ttlMillis;
        Entry after = entries.computeIfPresent(id, (k, e) -> e.owner().equals(owner) ? new Entry(owner, expiresAt) : e);
        return after != null && after.owner().equals(owner) && after.expiresAt() == expiresAt;
    }

    @Override
    public boolean delete(String id) {
        return entries.remove(id) != null;
    }

    @Override
    public boolean deleteIfOwner(String id, String owner) {
        boolean[] removed = {false};
        entries.computeIfPresent(id, (k, e) -> {
            removed[0] = e.owner().equals(owner);
            return removed[0] ? null : e;
        });
        return removed[0];
    }

    /** Finished jobs' keys would otherwise pile up for the life of a long `run`. */
    void dropExpired() {
        long now = clock.millis();
        entries.values().removeIf(e -> e.expiresAt() < now);
    }

    void clear() {
        entries.clear();
    }
}
