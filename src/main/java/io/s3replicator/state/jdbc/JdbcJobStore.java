package io.s3replicator.state.jdbc;

import io.s3replicator.state.JobResult;
import io.s3replicator.state.JobStatus;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.JobResult.Outcome;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link JobStore} on any JDBC database: table {@code job_state}, one row per job per run,
 * keyed by a hash of the job's identity. The upsert is UPDATE, then INSERT when no row was
 * there; a concurrent INSERT of the same job loses on the primary key and retries the UPDATE.
 * (No MERGE: its syntax differs between H2, PostgreSQL and others.)
 */
public class JdbcJobStore implements JobStore {
    static final String TABLE = "job_state";

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcJobStore(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public JdbcJobStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, TABLE, """
                CREATE TABLE job_state (
                  job_id VARCHAR(64) PRIMARY KEY,
                  run_id VARCHAR(64) NOT NULL,
                  pair_id VARCHAR(255) NOT NULL,
                  source_key VARCHAR(2048) NOT NULL,
                  source_etag VARCHAR(128),
                  version_id VARCHAR(1024),
                  destination_key VARCHAR(4096),
                  operation VARCHAR(16) NOT NULL,
                  status VARCHAR(16) NOT NULL,
                  reason VARCHAR(2048),
                  attempts INT NOT NULL,
                  bytes BIGINT NOT NULL,
                  transfer_path VARCHAR(32),
                  millis BIGINT NOT NULL,
                  first_at TIMESTAMP NOT NULL,
                  last_at TIMESTAMP NOT NULL)""",
                "CREATE INDEX job_state_run ON job_state(run_id, status)");
        // For the retention sweep; also on tables of earlier releases.
        Jdbc.tryIndex(dataSource, "CREATE INDEX job_state_last ON job_state(last_at)");
    }

    private static final String UPDATE = """
            UPDATE job_state SET destination_key = ?, operation = ?,
              reason = CASE WHEN status = 'COPIED' THEN reason ELSE ? END,
              bytes = CASE WHEN status = 'COPIED' THEN bytes ELSE ? END,
              transfer_path = CASE WHEN status = 'COPIED' THEN transfer_path ELSE ? END,
              millis = CASE WHEN status = 'COPIED' THEN millis ELSE ? END,
              attempts = attempts + 1, last_at = ?,
              status = CASE WHEN status = 'COPIED' THEN status ELSE ? END
            WHERE job_id = ?""";
    private static final String INSERT = """
            INSERT INTO job_state (job_id, run_id, pair_id, source_key, source_etag, version_id,
              destination_key, operation, status, reason, attempts, bytes, transfer_path, millis,
              first_at, last_at) VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?,?,?)""";

    @Override
    public void recordResult(JobResult r) {
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                try (Connection c = dataSource.getConnection()) {
                    upsert(c, r);
                    return;
                } catch (SQLException e) {
                    if (!Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                    // another worker inserted this job's row between our UPDATE and INSERT: update it
                }
            }
            throw new IllegalStateException("cannot record job result: the row kept changing");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record job result: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    /**
     * Records many results in one transaction (one commit, where the embedded database pays a
     * file write per commit). Any failure rolls the batch back and records each result alone.
     */
    public void recordResults(List<JobResult> results) {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                for (JobResult r : results) {
                    upsert(c, r);
                }
                c.commit();
                return;
            } catch (SQLException e) {
                c.rollback();
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            // fall through: one at a time, each with its own error
        }
        RuntimeException first = null;
        for (JobResult r : results) {
            try {
                recordResult(r);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** UPDATE, then INSERT when no row was there; a unique violation means a concurrent INSERT won. */
    private void upsert(Connection c, JobResult r) throws SQLException {
        String id = JobStore.jobId(r.runId(), r.pairId(), r.sourceKey(), r.sourceEtag(), r.versionId());
        Timestamp now = Timestamp.from(clock.instant());
        String reason = JobStore.storedReason(r.reason());
        // A COPIED row keeps its outcome; status is assigned last because some databases
        // (MySQL) let later SET expressions see earlier assignments.
        try (PreparedStatement update = c.prepareStatement(UPDATE)) {
            Jdbc.bind(update, r.destinationKey(), r.operation(), reason, r.bytes(), r.path(), r.millis(), now,
                    r.outcome().name(), id);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement(INSERT)) {
            Jdbc.bind(insert, id, JobStore.runOf(r.runId()), r.pairId(), r.sourceKey(), r.sourceEtag(), r.versionId(),
                    r.destinationKey(), r.operation(), r.outcome().name(), reason, r.bytes(), r.path(), r.millis(),
                    now, now);
            insert.executeUpdate();
        }
    }

    @Override
    public Map<String, Long> outcomeCounts(String runId) {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT status, COUNT(*) FROM job_state WHERE run_id = ? GROUP BY status")) {
            ps.setString(1, JobStore.runOf(runId));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read job results: " + Jdbc.firstLine(e.getMessage()), e);
        }
        return out;
    }

    @Override
    public Optional<JobStatus> status(String runId, String pairId, String sourceKey, String sourceEtag,
                                      String versionId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT run_id, pair_id, source_key, source_etag, version_id, destination_key, operation, status,
                  reason, attempts, bytes, transfer_path, millis, first_at, last_at FROM job_state WHERE job_id = ?""")) {
            ps.setString(1, JobStore.jobId(runId, pairId, sourceKey, sourceEtag, versionId));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new JobStatus(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), Outcome.valueOf(rs.getString(8)),
                        rs.getString(9), rs.getInt(10), rs.getLong(11), rs.getString(12), rs.getLong(13),
                        rs.getTimestamp(14).toInstant(), rs.getTimestamp(15).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read job status: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }
}
