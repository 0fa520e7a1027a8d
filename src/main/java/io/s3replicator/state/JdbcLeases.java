package io.s3replicator.state;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;

/** {@link Leases} on JDBC: table {@code lease} (id = lease name, owner_id, expires_at). */
public class JdbcLeases implements Leases {
    private final JdbcOwnedEntries entries;

    public JdbcLeases(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public JdbcLeases(DataSource dataSource, Clock clock) {
        this.entries = new JdbcOwnedEntries(dataSource, "lease", clock);
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
