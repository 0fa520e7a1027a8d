package io.s3replicator.state.jdbc;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.JobResult;
import io.s3replicator.state.JobStatus;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.Leases;
import io.s3replicator.state.MemoryInFlightJobs;
import io.s3replicator.state.MemoryOwnedEntries;
import io.s3replicator.state.OwnedInFlightJobs;
import io.s3replicator.state.Sha256;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.WriteBehindJobStore;
import io.s3replicator.state.StateContract;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.model.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The state contract on the embedded default: an H2 file under the state directory. */
class EmbeddedStateTest extends StateContract {
    @TempDir
    static Path dir;
    static EmbeddedDatabase store;
    final MemoryOwnedEntries inFlightEntries = new MemoryOwnedEntries(clock);
    final List<WriteBehindJobStore> opened = new ArrayList<>();

    @AfterEach
    void closeJobStores() {
        opened.forEach(WriteBehindJobStore::close);
    }

    @BeforeAll
    static void open() {
        store = new EmbeddedDatabase(dir);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected JobStore jobStore() {
        // As EmbeddedDatabase has it: written behind, read after a flush.
        WriteBehindJobStore jobs = new WriteBehindJobStore(new JdbcJobStore(store.dataSource(), clock));
        opened.add(jobs);
        return jobs;
    }

    @Override
    protected CheckpointStore checkpoints() {
        return new JdbcCheckpointStore(store.dataSource());
    }

    @Override
    protected OwnedInFlightJobs inFlight(Duration ttl) {
        // The embedded mode keeps jobs in flight in memory (its queue is in memory too).
        return new MemoryInFlightJobs(ttl, inFlightEntries);
    }

    @Override
    protected Leases leases() {
        return new JdbcLeases(store.dataSource(), clock);
    }

    @Override
    protected DeadLetterJobs deadLetters() {
        return new JdbcDeadLetterJobs(store.dataSource(), clock);
    }

    @Override
    protected CopiedEtags copiedEtags() {
        return new JdbcCopiedEtags(store.dataSource(), clock);
    }

    @Override
    protected FannedOutParts fannedOutParts() {
        return new JdbcFannedOutParts(store.dataSource(), clock);
    }

    @Override
    protected void expire() {
        new JdbcRetention(store.dataSource(), RETENTION, TTL, clock).sweep();
    }

    /** Found in review: a result recorded after the writer stopped sat in its queue, never written. */
    @Test
    void a_result_recorded_after_the_writer_stopped_is_still_written() {
        WriteBehindJobStore jobs = new WriteBehindJobStore(new JdbcJobStore(store.dataSource(), clock));
        jobs.close();
        String run = "late-" + unique;
        jobs.recordResult(new JobResult(run, "p", "k", "k", "COPY", JobResult.Outcome.COPIED, null, "e", null, 1,
                "relay", 1));
        assertThat(jobs.status(run, "p", "k", "e", null)).map(JobStatus::status).contains(JobResult.Outcome.COPIED);
        assertThat(jobs.outcomeCounts(run)).containsEntry("COPIED", 1L);
    }

    @Test
    void tables_of_an_earlier_release_get_their_retention_columns_and_old_rows_count_from_the_upgrade(
            @TempDir Path other) throws Exception {
        String url = "jdbc:h2:file:" + other.toAbsolutePath().resolve("s3-replicator");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE key_sequencer (pair_id VARCHAR(255) NOT NULL, key_hash CHAR(64) NOT NULL,"
                    + " sequencer CHAR(64) NOT NULL, PRIMARY KEY (pair_id, key_hash))");
            s.execute("INSERT INTO key_sequencer VALUES ('p', '" + Sha256.ofText("k") + "', '"
                    + KeySequencers.normalize("0055AED6DCD90281E6") + "')");
            s.execute("CREATE TABLE copied_etag (id VARCHAR(64) PRIMARY KEY, source_etag VARCHAR(128) NOT NULL,"
                    + " destination_etag VARCHAR(128) NOT NULL)");
            s.execute("INSERT INTO copied_etag VALUES ('" + Sha256.hex("b", "k") + "', 'src', 'dst-2')");
        }
        try (EmbeddedDatabase upgraded = new EmbeddedDatabase(other)) {
            KeySequencers sequencers = new JdbcKeySequencers(upgraded.dataSource(), clock);
            CopiedEtags copies = new JdbcCopiedEtags(upgraded.dataSource(), clock);
            clock.advance(RETENTION.minusDays(1));
            new JdbcRetention(upgraded.dataSource(), RETENTION, TTL, clock).sweep();
            assertThat(sequencers.advance("p", "k", "0055AED6DCD90281E5")).as("kept: older is stale").isFalse();
            assertThat(copies.isCopyOf("b", "k", "src", "dst-2")).isTrue();
            clock.advance(Duration.ofDays(2));
            new JdbcRetention(upgraded.dataSource(), RETENTION, TTL, clock).sweep();
            assertThat(copies.isCopyOf("b", "k", "src", "dst-2")).as("a retention after the upgrade").isFalse();
        }
    }

    @Test
    void a_table_that_cannot_be_created_is_one_line_naming_the_dir_and_the_database_is_closed(@TempDir Path other)
            throws Exception {
        // The job table can be made, the checkpoint table's index cannot: its name is taken.
        String url = "jdbc:h2:file:" + other.toAbsolutePath().resolve("s3-replicator");
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE squatter (x INT)");
            s.execute("CREATE INDEX multipart_upload_key ON squatter(x)");
        }
        StateSettings settings = new StateSettings(StateSettings.Kind.EMBEDDED, other, null, null, null, "t", "t",
                null, null, false, Duration.ofMinutes(10));
        assertThatThrownBy(() -> StateBackend.open(settings))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo("s3replicator.state.dir"))
                .hasMessageContaining("multipart_upload")
                .hasMessageNotContaining("\n");
        // H2 holds a lock on its file while the database is open: it was closed.
        try (FileChannel file = FileChannel.open(other.resolve("s3-replicator.mv.db"), StandardOpenOption.WRITE);
             FileLock lock = file.tryLock()) {
            assertThat(lock).isNotNull();
        }
    }
}
