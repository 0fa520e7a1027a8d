package io.s3replicator.state.jdbc;

import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.OwnedEntries;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

/**
 * A JDBC table of named entries, each with an owner and an expiry (epoch millis): the shared
 * mechanics of {@link JdbcInFlightJobs} and {@link JdbcLeases}.
 *
 * <p>A claim succeeds when the entry is absent, expired, or already the claimant's. It is an
 * INSERT (the primary key lets one of many concurrent inserts win), else a conditional UPDATE
 * that only matches an expired or own entry: the database re-checks that condition on the
 * locked row, so of several workers taking over one expired entry exactly one updates it.
 */
public final class JdbcOwnedEntries implements OwnedEntries {
    private final DataSource dataSource;
    private final String table;
    private final Clock clock;

    JdbcOwnedEntries(DataSource dataSource, String table, Clock clock) {
        this.dataSource = dataSource;
        this.table = table;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, table, "CREATE TABLE " + table + " ("
                + " id VARCHAR(255) PRIMARY KEY,"
                + " owner_id VARCHAR(255) NOT NULL,"
                + " expires_at BIGINT NOT NULL)");
        // For the retention sweep of expired entries.
        Jdbc.tryIndex(dataSource, "CREATE INDEX " + table + "_expires ON " + table + "(expires_at)");
    }

    long now() {
        return clock.millis();
    }

    /** Takes the entry if absent, expired, already {@code owner}'s, or only marked as queued by a diff. */
    @Override
    public boolean claim(String id, String owner, long ttlMillis) {
        return claim(id, owner, ttlMillis, " AND (expires_at < ? OR owner_id = ? OR owner_id = ?)", owner,
                InFlightJobs.QUEUED);
    }

    /** Takes the entry only if absent or expired, whoever held it. */
    @Override
    public boolean claimFree(String id, String owner, long ttlMillis) {
        return claim(id, owner, ttlMillis, " AND expires_at < ?");
    }

    /** Hands the entry to {@code owner} for {@code ttlMillis}, whatever it held. */
    @Override
    public void set(String id, String owner, long ttlMillis) {
        if (update("set", "UPDATE " + table + " SET owner_id = ?, expires_at = ? WHERE id = ?", owner, now() + ttlMillis,
                id) == 0) {
            claim(id, owner, ttlMillis);
        }
    }

    /** INSERT, else an UPDATE whose WHERE {@code id = ?} + {@code condition} (first parameter: now) decides. */
    private boolean claim(String id, String owner, long ttlMillis, String condition, Object... conditionArgs) {
        try {
            for (int attempt = 0; attempt < 5; attempt++) {
                long now = now();
                try {
                    Jdbc.update(dataSource, "INSERT INTO " + table + " (id, owner_id, expires_at) VALUES (?,?,?)",
                            id, owner, now + ttlMillis);
                    return true;
                } catch (SQLException e) {
                    if (!Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                }
                Object[] args = new Object[4 + conditionArgs.length];
                args[0] = owner;
                args[1] = now + ttlMillis;
                args[2] = id;
                args[3] = now;
                System.arraycopy(conditionArgs, 0, args, 4, conditionArgs.length);
                if (Jdbc.update(dataSource, "UPDATE " + table + " SET owner_id = ?, expires_at = ? WHERE id = ?"
                        + condition, args) > 0) {
                    return true;
                }
                if (exists(id)) {
                    return false; // live and someone else's
                }
                // removed between our INSERT and UPDATE: try again
            }
            return false;
        } catch (SQLException e) {
            throw failure("claim", e);
        }
    }

    @Override
    public Holder holder(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT owner_id, expires_at FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(2) >= now() ? new Holder(rs.getString(1), rs.getLong(2)) : null;
            }
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    @Override
    public boolean renewIfOwner(String id, String owner, long ttlMillis) {
        return update("renew", "UPDATE " + table + " SET expires_at = ? WHERE id = ? AND owner_id = ?",
                now() + ttlMillis, id, owner) > 0;
    }

    @Override
    public boolean delete(String id) {
        return update("delete", "DELETE FROM " + table + " WHERE id = ?", id) > 0;
    }

    @Override
    public boolean deleteIfOwner(String id, String owner) {
        return update("delete", "DELETE FROM " + table + " WHERE id = ? AND owner_id = ?", id, owner) > 0;
    }

    void deleteAll() {
        update("clear", "DELETE FROM " + table);
    }

    private boolean exists(String id) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM " + table + " WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private int update(String what, String sql, Object... args) {
        try {
            return Jdbc.update(dataSource, sql, args);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("cannot " + what + " in " + table + ": " + Jdbc.firstLine(e.getMessage()), e);
    }
}
