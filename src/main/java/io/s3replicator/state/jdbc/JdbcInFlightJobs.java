package io.s3replicator.state.jdbc;

import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.OwnedInFlightJobs;
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
        this(ttl, new JdbcOwnedEntries(dataSource, TABLE, clock));
    }

    private JdbcInFlightJobs(Duration ttl, JdbcOwnedEntries entries) {
        super(ttl, entries);
        this.entries = entries;
    }

    @Override
    public void clear() {
        entries.deleteAll();
    }
}
