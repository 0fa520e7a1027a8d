package io.s3replicator.state.jdbc;

import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.JobStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link DeadLetterJobs} on JDBC: table {@code dead_letter}, one row per job identity. Rows stay
 * until their job ends well (no retention: a dead job is there to be looked at).
 */
public class JdbcDeadLetterJobs implements DeadLetterJobs {
    static final String TABLE = "dead_letter";
    private final DataSource dataSource;
    private final Clock clock;

    public JdbcDeadLetterJobs(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, TABLE, """
                CREATE TABLE dead_letter (
                  id VARCHAR(64) PRIMARY KEY,
                  failed_at BIGINT NOT NULL,
                  pair_id VARCHAR(256),
                  reason VARCHAR(2048),
                  body VARCHAR(262144) NOT NULL,
                  failures INT NOT NULL,
                  redrive BOOLEAN NOT NULL)""");
    }

    @Override
    public void add(String id, String pairId, String reason, String body) {
        String stored = JobStore.storedReason(reason);
        long now = clock.millis();
        try {
            Jdbc.upsert(dataSource, "UPDATE dead_letter SET failed_at = ?, pair_id = ?, reason = ?, body = ?,"
                            + " failures = failures + 1, redrive = FALSE WHERE id = ?",
                    new Object[] {now, pairId, stored, body, id},
                    "INSERT INTO dead_letter (id, failed_at, pair_id, reason, body, failures, redrive)"
                            + " VALUES (?,?,?,?,?,1,FALSE)",
                    new Object[] {id, now, pairId, stored, body});
        } catch (SQLException e) {
            throw new IllegalStateException("cannot keep a dead job: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public List<Entry> list(int max) {
        return query("SELECT id, failed_at, pair_id, reason, body, failures, redrive FROM dead_letter"
                + " ORDER BY failed_at, id", max);
    }

    @Override
    public int markForRedrive(int max) {
        int marked = 0;
        for (Entry e : query("SELECT id, failed_at, pair_id, reason, body, failures, redrive FROM dead_letter"
                + " WHERE redrive = FALSE ORDER BY failed_at, id", max)) {
            try {
                marked += Jdbc.update(dataSource, "UPDATE dead_letter SET redrive = TRUE WHERE id = ? AND redrive = FALSE",
                        e.id());
            } catch (SQLException x) {
                throw new IllegalStateException("cannot mark a dead job for redrive: " + Jdbc.firstLine(x.getMessage()), x);
            }
        }
        return marked;
    }

    @Override
    public List<Entry> takeMarked(int max) {
        List<Entry> taken = new ArrayList<>();
        for (Entry e : query("SELECT id, failed_at, pair_id, reason, body, failures, redrive FROM dead_letter"
                + " WHERE redrive = TRUE ORDER BY failed_at, id", max)) {
            try {
                // Conditional: of two takers (several processes on one JDBC store), one queues it.
                if (Jdbc.update(dataSource, "UPDATE dead_letter SET redrive = FALSE WHERE id = ? AND redrive = TRUE",
                        e.id()) > 0) {
                    taken.add(e);
                }
            } catch (SQLException x) {
                throw new IllegalStateException("cannot take a dead job for redrive: " + Jdbc.firstLine(x.getMessage()), x);
            }
        }
        return taken;
    }

    @Override
    public void remove(String id) {
        try {
            Jdbc.update(dataSource, "DELETE FROM dead_letter WHERE id = ?", id);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot remove a dead job: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    private List<Entry> query(String sql, int max) {
        List<Entry> entries = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setMaxRows(max);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getInt(6), rs.getBoolean(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dead jobs: " + Jdbc.firstLine(e.getMessage()), e);
        }
        return entries;
    }
}
