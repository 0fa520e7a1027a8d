package io.s3replicator.state.jdbc;

import io.s3replicator.state.OwnDeletes;
import io.s3replicator.state.Sha256;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link OwnDeletes} in a JDBC database, in portable SQL. {@link #consume} is one conditional
 * DELETE, so two workers handling the same echo cannot both claim it. Records older than
 * {@code ttl} are ignored (an echo arrives within seconds; an old record must not swallow a
 * user's later delete) and purged as new ones are written.
 */
public class JdbcOwnDeletes implements OwnDeletes {
    static final String TABLE = "own_delete";
    private final DataSource dataSource;
    private final Duration ttl;
    private final Clock clock;

    public JdbcOwnDeletes(DataSource dataSource) {
        this(dataSource, TTL, Clock.systemUTC());
    }

    public JdbcOwnDeletes(DataSource dataSource, Duration ttl, Clock clock) {
        this.dataSource = dataSource;
        this.ttl = ttl;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, TABLE, """
                CREATE TABLE own_delete (
                  id CHAR(64) PRIMARY KEY,
                  deleted_at TIMESTAMP NOT NULL)""");
    }

    @Override
    public void deleting(String location, String key, Instant at) {
        String id = id(location, key);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM own_delete WHERE deleted_at < ?")) {
                purge.setTimestamp(1, Timestamp.from(clock.instant().minus(ttl)));
                purge.executeUpdate();
            }
            if (set(c, "UPDATE own_delete SET deleted_at = ? WHERE id = ?", at, id)) {
                return;
            }
            try {
                set(c, "INSERT INTO own_delete (deleted_at, id) VALUES (?,?)", at, id);
            } catch (SQLException e) {
                if (!Jdbc.isUniqueViolation(e)) {
                    throw e;
                }
                set(c, "UPDATE own_delete SET deleted_at = ? WHERE id = ?", at, id);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a delete: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public boolean consume(String location, String key, Instant eventTime) {
        EchoWindow window = EchoWindow.of(eventTime, clock.instant(), ttl);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM own_delete WHERE id = ? AND deleted_at <= ? AND deleted_at >= ?")) {
            ps.setString(1, id(location, key));
            ps.setTimestamp(2, Timestamp.from(window.latest()));
            ps.setTimestamp(3, Timestamp.from(window.earliest()));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read recorded deletes: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public void forget(String location, String key) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "DELETE FROM own_delete WHERE id = ?")) {
            ps.setString(1, id(location, key));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot forget a recorded delete: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    private static boolean set(Connection c, String sql, Instant at, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    private static String id(String location, String key) {
        return Sha256.ofText(location + "\n" + key);
    }
}
