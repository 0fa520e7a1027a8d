package io.s3replicator.state.jdbc;

import io.s3replicator.state.Leases;
import io.s3replicator.state.OwnedEntryLeases;
import javax.sql.DataSource;
import java.time.Clock;

/** {@link Leases} on JDBC: table {@code lease} (id = lease name, owner_id, expires_at). */
public class JdbcLeases extends OwnedEntryLeases {
    static final String TABLE = "lease";

    public JdbcLeases(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public JdbcLeases(DataSource dataSource, Clock clock) {
        super(new JdbcOwnedEntries(dataSource, TABLE, clock));
    }
}
