package io.s3replicator.state;

import java.time.Duration;

/** {@link Leases} as owned entries: acquiring is a claim (absent, expired or already ours), releasing deletes if ours. */
public class OwnedEntryLeases implements Leases {
    private final OwnedEntries entries;

    protected OwnedEntryLeases(OwnedEntries entries) {
        this.entries = entries;
    }

    @Override
    public boolean tryAcquire(String name, String owner, Duration ttl) {
        return entries.claim(name, owner, ttl.toMillis());
    }

    @Override
    public void release(String name, String owner) {
        entries.deleteIfOwner(name, owner);
    }
}
