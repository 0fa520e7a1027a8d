package io.s3replicator.state.jdbc;

import io.s3replicator.state.JobResult;
import io.s3replicator.state.JobStatus;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.WriteBehindJobStore;
import io.s3replicator.model.ConfigException;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded state database: an H2 file under the state directory (the default, one
 * machine). Its job status is a {@link JdbcJobStore} written behind ({@link WriteBehindJobStore});
 * the other JDBC stores share its {@link #dataSource()}.
 */
public class EmbeddedDatabase implements JobStore, AutoCloseable {
    private final HikariDataSource pool;
    private final WriteBehindJobStore jobs;

    public EmbeddedDatabase(Path stateDir) {
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
        this.pool = JdbcConnections.open(url, "sa", "", 64, "state-dir",
                "cannot open the state database in " + stateDir);
        try {
            this.jobs = new WriteBehindJobStore(new JdbcJobStore(pool));
        } catch (RuntimeException e) {
            pool.close();
            throw new ConfigException("state-dir", "cannot open the state database in " + stateDir + ": "
                    + Jdbc.firstLine(e.getMessage()));
        }
    }

    /** True when {@code stateDir} holds an embedded state database (a replicator or sync ran with it). */
    public static boolean existsIn(Path stateDir) {
        return Files.exists(stateDir.resolve("s3-replicator.mv.db"));
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
        pool.close();
    }
}
