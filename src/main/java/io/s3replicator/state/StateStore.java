package io.s3replicator.state;

import io.s3replicator.config.ConfigException;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embedded job-state database: an H2 file under the state directory. Holds the result
 * of every finished job and, through {@link #dataSource()}, Camel's idempotent repository.
 */
public class StateStore implements AutoCloseable {
    private final JdbcConnectionPool pool;

    public StateStore(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
        } catch (Exception e) {
            throw new ConfigException("state-dir", "cannot create " + stateDir + ": " + e.getMessage());
        }
        String url = "jdbc:h2:file:" + stateDir.toAbsolutePath().resolve("s3-replicator") + ";DB_CLOSE_ON_EXIT=FALSE";
        this.pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(64);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                CREATE TABLE IF NOT EXISTS job_result (
                  id BIGINT AUTO_INCREMENT PRIMARY KEY,
                  run_id VARCHAR(64),
                  pair_id VARCHAR(255) NOT NULL,
                  source_key VARCHAR(2048) NOT NULL,
                  destination_key VARCHAR(4096),
                  operation VARCHAR(16) NOT NULL,
                  outcome VARCHAR(16) NOT NULL,
                  reason VARCHAR(2048),
                  source_etag VARCHAR(128),
                  bytes BIGINT NOT NULL,
                  transfer_path VARCHAR(32),
                  millis BIGINT NOT NULL,
                  finished_at TIMESTAMP NOT NULL)""");
            s.execute("CREATE INDEX IF NOT EXISTS job_result_run ON job_result(run_id)");
        } catch (SQLException e) {
            pool.dispose();
            throw new ConfigException("state-dir", "cannot open the state database in " + stateDir + ": "
                    + firstLine(e.getMessage()));
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public void recordResult(JobResult r) {
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO job_result (run_id, pair_id, source_key, destination_key, operation, outcome, reason,
                  source_etag, bytes, transfer_path, millis, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""")) {
            ps.setString(1, r.runId());
            ps.setString(2, r.pairId());
            ps.setString(3, r.sourceKey());
            ps.setString(4, r.destinationKey());
            ps.setString(5, r.operation());
            ps.setString(6, r.outcome().name());
            ps.setString(7, r.reason() == null ? null : truncate(r.reason(), 2048));
            ps.setString(8, r.sourceEtag());
            ps.setLong(9, r.bytes());
            ps.setString(10, r.path());
            ps.setLong(11, r.millis());
            ps.setTimestamp(12, Timestamp.from(Instant.now()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record job result: " + firstLine(e.getMessage()), e);
        }
    }

    /** Outcome counts of one run, from the database. */
    public Map<String, Long> outcomeCounts(String runId) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = pool.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT outcome, COUNT(*) FROM job_result WHERE run_id = ? GROUP BY outcome ORDER BY outcome")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read job results: " + firstLine(e.getMessage()), e);
        }
        return out;
    }

    @Override
    public void close() {
        pool.dispose();
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
