package io.s3replicator.state;

import java.time.Clock;
import java.time.Duration;

/** {@link InFlightJobs} of the embedded mode: one process, an in-memory queue, entries in memory. */
public class MemoryInFlightJobs extends OwnedInFlightJobs {
    private final MemoryOwnedEntries entries;

    public MemoryInFlightJobs(Duration ttl) {
        this(ttl, Clock.systemUTC());
    }

    public MemoryInFlightJobs(Duration ttl, Clock clock) {
        this(ttl, new MemoryOwnedEntries(clock));
    }

    /** Instances over one {@code entries} share it, as workers share a table (the state contract test). */
    public MemoryInFlightJobs(Duration ttl, MemoryOwnedEntries entries) {
        super(ttl, entries);
        this.entries = entries;
    }

    @Override
    public void clear() {
        entries.clear();
    }

    /** The renewal task also drops expired entries, so memory stays bounded by the done window. */
    @Override
    void renewHeld() {
        super.renewHeld();
        entries.dropExpired();
    }
}
