package io.s3replicator.state;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;

/**
 * {@link InFlightJobs} on JDBC: table {@code in_flight_job} (id, owner_id, expires_at).
 * Camel's {@code JdbcMessageIdRepository} knows neither owners nor expiry, so a worker that
 * died mid-job would block its object forever and a redelivery could never take over.
 */
public class JdbcInFlightJobs extends OwnedInFlightJobs {
    static final String TABLE = "in_flight_job";
    private final JdbcOwnedEntries entries;

    public JdbcInFlightJobs(DataSource dataSource, Duration ttl) {
        this(dataSource, ttl, Clock.systemUTC());
    }

    public JdbcInFlightJobs(DataSource dataSource, Duration ttl, Clock clock) {
        super(ttl);
        this.entries = new JdbcOwnedEntries(dataSource, TABLE, clock);
    }

    @Override
    protected boolean claim(String key, String owner) {
        return entries.claim(key, owner, ttl.toMillis());
    }

    @Override
    protected boolean claimFree(String key, String owner, Duration ttl) {
        return entries.claimFree(key, owner, ttl.toMillis());
    }

    @Override
    protected void set(String key, String owner, Duration ttl) {
        entries.set(key, owner, ttl.toMillis());
    }

    @Override
    public boolean contains(String key) {
        return entries.isLive(key);
    }

    @Override
    protected boolean delete(String key) {
        return entries.delete(key);
    }

    @Override
    protected boolean extend(String key) {
        return entries.renew(key, ttl.toMillis());
    }

    @Override
    public void clear() {
        entries.deleteAll();
    }
}
