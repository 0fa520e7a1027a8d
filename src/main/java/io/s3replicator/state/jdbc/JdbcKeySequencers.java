package io.s3replicator.state.jdbc;

import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.Sha256;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;

/**
 * {@link KeySequencers} in a JDBC database (the embedded H2 by default), in portable SQL: a
 * conditional UPDATE ({@code WHERE sequencer <= ?}) does the compare-and-set in one statement,
 * and a first event for a key INSERTs, a racing second one then falls back to the UPDATE, so
 * concurrent workers never move a key's sequencer backwards. {@code updated_at} (epoch millis)
 * is when the key's last event was applied: {@link JdbcRetention} forgets keys quiet for the retention.
 */
public class JdbcKeySequencers implements KeySequencers {
    static final String TABLE = "key_sequencer";
    private final DataSource dataSource;
    private final Clock clock;

    public JdbcKeySequencers(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public JdbcKeySequencers(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, TABLE, """
                CREATE TABLE key_sequencer (
                  pair_id VARCHAR(255) NOT NULL,
                  key_hash CHAR(64) NOT NULL,
                  sequencer CHAR(64) NOT NULL,
                  updated_at BIGINT NOT NULL,
                  PRIMARY KEY (pair_id, key_hash))""");
        // Rows of earlier releases count from now; the index is for the retention sweep.
        Jdbc.ensureColumn(dataSource, TABLE, "updated_at", "BIGINT", clock.millis());
        Jdbc.tryIndex(dataSource, "CREATE INDEX key_sequencer_updated ON key_sequencer(updated_at)");
    }

    @Override
    public boolean advance(String pairId, String key, String sequencer) {
        String seq = KeySequencers.normalize(sequencer);
        if (seq == null) {
            // Not a sequencer S3 would send: no ordering can be judged, so the event is applied.
            return true;
        }
        String hash = Sha256.ofText(key);
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            if (update(c, pairId, hash, seq, now)) {
                return true;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO key_sequencer (pair_id, key_hash, sequencer, updated_at) VALUES (?,?,?,?)")) {
                Jdbc.bind(ps, pairId, hash, seq, now);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!Jdbc.isUniqueViolation(e)) {
                    throw e;
                }
                // Another worker inserted it first, or the row exists with a newer sequencer.
                return update(c, pairId, hash, seq, now);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the key sequencer: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    private static boolean update(Connection c, String pairId, String hash, String seq, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE key_sequencer SET sequencer = ?, updated_at = ?"
                + " WHERE pair_id = ? AND key_hash = ? AND sequencer <= ?")) {
            Jdbc.bind(ps, seq, now, pairId, hash, seq);
            return ps.executeUpdate() == 1;
        }
    }
}
