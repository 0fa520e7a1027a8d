package io.s3replicator.state;

import io.s3replicator.model.ConfigException;
import org.h2.jdbcx.JdbcConnectionPool;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded state database: an H2 file under the state directory (the default, one
 * machine). Its job status is a {@link JdbcJobStore} written behind ({@link WriteBehindJobStore});
 * the other JDBC stores share its {@link #dataSource()}.
 */
public class StateStore implements JobStore, AutoCloseable {
    private final JdbcConnectionPool pool;
    private final WriteBehindJobStore jobs;

    public StateStore(Path stateDir) {
        try {
            Files.createDirectories(stateDir);
        } catch (Exception e) {
            throw new ConfigException("state-dir", "cannot create " + stateDir + ": " + e.getMessage());
        }
        // WRITE_DELAY=0: a commit reaches the file before the statement returns. H2's default keeps
        // commits in memory for up to 0.5 s, and a killed process lost them (an upload's checkpoint:
        // the upload stayed open and its parts were sent again).
        String url = "jdbc:h2:file:" + stateDir.toAbsolutePath().resolve("s3-replicator")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        this.pool = JdbcConnectionPool.create(url, "sa", "");
        pool.setMaxConnections(64);
        try (Connection c = pool.getConnection()) {
            // opened: the file is ours (another process holding it fails here, with a clear line)
        } catch (SQLException e) {
            pool.dispose();
            throw new ConfigException("state-dir", "cannot open the state database in " + stateDir + ": "
                    + Jdbc.firstLine(e.getMessage()));
        }
        try {
            this.jobs = new WriteBehindJobStore(new JdbcJobStore(pool));
        } catch (RuntimeException e) {
            pool.dispose();
            throw new ConfigException("state-dir", "cannot open the state database in " + stateDir + ": "
                    + Jdbc.firstLine(e.getMessage()));
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void recordResult(JobResult result) {
        jobs.recordResult(result);
    }

    @Override
    public Map<String, Long> outcomeCounts(String runId) {
        return jobs.outcomeCounts(runId);
    }

    @Override
    public Optional<JobStatus> status(String runId, String pairId, String sourceKey, String sourceEtag,
                                      String versionId) {
        return jobs.status(runId, pairId, sourceKey, sourceEtag, versionId);
    }

    @Override
    public void close() {
        jobs.close();
        pool.dispose();
    }
}
