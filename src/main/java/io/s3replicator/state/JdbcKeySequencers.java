package io.s3replicator.state;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@link KeySequencers} in a JDBC database (the embedded H2 by default), in portable SQL: a
 * conditional UPDATE ({@code WHERE sequencer <= ?}) does the compare-and-set in one statement,
 * and a first event for a key INSERTs, a racing second one then falls back to the UPDATE, so
 * concurrent workers never move a key's sequencer backwards.
 */
public class JdbcKeySequencers implements KeySequencers {
    private final DataSource dataSource;

    public JdbcKeySequencers(DataSource dataSource) {
        this.dataSource = dataSource;
        Jdbc.ensureTable(dataSource, "key_sequencer", """
                CREATE TABLE key_sequencer (
                  pair_id VARCHAR(255) NOT NULL,
                  key_hash CHAR(64) NOT NULL,
                  sequencer CHAR(64) NOT NULL,
                  PRIMARY KEY (pair_id, key_hash))""");
    }

    @Override
    public boolean advance(String pairId, String key, String sequencer) {
        String seq = KeySequencers.normalize(sequencer);
        if (seq == null) {
            // Not a sequencer S3 would send: no ordering can be judged, so the event is applied.
            return true;
        }
        String hash = Sha256.ofText(key);
        try (Connection c = dataSource.getConnection()) {
            if (update(c, pairId, hash, seq)) {
                return true;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO key_sequencer (pair_id, key_hash, sequencer) VALUES (?,?,?)")) {
                ps.setString(1, pairId);
                ps.setString(2, hash);
                ps.setString(3, seq);
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if (!Jdbc.isUniqueViolation(e)) {
                    throw e;
                }
                // Another worker inserted it first, or the row exists with a newer sequencer.
                return update(c, pairId, hash, seq);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot update the key sequencer: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    private static boolean update(Connection c, String pairId, String hash, String seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE key_sequencer SET sequencer = ? WHERE pair_id = ? AND key_hash = ? AND sequencer <= ?")) {
            ps.setString(1, seq);
            ps.setString(2, pairId);
            ps.setString(3, hash);
            ps.setString(4, seq);
            return ps.executeUpdate() == 1;
        }
    }
}
