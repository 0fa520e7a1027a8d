package io.s3replicator.state.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.JobResult;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.Leases;
import io.s3replicator.state.OwnDeletes;
import io.s3replicator.state.OwnedInFlightJobs;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.StateContract;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.model.ConfigException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The state contract on {@code kind=jdbc}: a database reached by URL through the backend's own
 * connection pool (H2 in memory here; the SQL is what PostgreSQL accepts too).
 */
class JdbcStateTest extends StateContract {
    static StateBackend backend;
    static HikariDataSource pool;

    static StateSettings jdbc(String url, String user) {
        return new StateSettings(StateSettings.Kind.JDBC, Path.of("unused"), url, user, "", "t", "t", null, null, false,
                Duration.ofMinutes(10));
    }

    static String memoryUrl() {
        return "jdbc:h2:mem:state-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @BeforeAll
    static void open() {
        String url = memoryUrl();
        backend = StateBackend.open(jdbc(url, "sa"));
        pool = JdbcConnections.open(url, "sa", "", 16, "test", "test database");
    }

    @AfterAll
    static void close() {
        pool.close();
        backend.close();
    }

    @Override
    protected JobStore jobStore() {
        return new JdbcJobStore(pool, clock);
    }

    @Override
    protected CheckpointStore checkpoints() {
        return new JdbcCheckpointStore(pool);
    }

    @Override
    protected OwnedInFlightJobs inFlight(Duration ttl) {
        return new JdbcInFlightJobs(pool, ttl, clock);
    }

    @Override
    protected Leases leases() {
        return new JdbcLeases(pool, clock);
    }

    @Override
    protected DeadLetterJobs deadLetters() {
        return new JdbcDeadLetterJobs(pool, clock);
    }

    @Override
    protected CopiedEtags copiedEtags() {
        return new JdbcCopiedEtags(pool, clock);
    }

    @Override
    protected FannedOutParts fannedOutParts() {
        return new JdbcFannedOutParts(pool, clock);
    }

    @Override
    protected void expire() {
        new JdbcRetention(pool, RETENTION, TTL, clock).sweep();
    }

    static long rows(String table, String where, Object... args) throws Exception {
        try (var c = pool.getConnection(); var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + where)) {
            Jdbc.bind(ps, args);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void the_sweep_deletes_expired_rows_batch_by_batch_and_leaves_live_ones() throws Exception {
        String run = "many-" + unique;
        JobStore jobs = jobStore();
        for (int i = 0; i < 250; i++) {
            jobs.recordResult(result(run, "k" + i, "e", JobResult.Outcome.COPIED, null, 1));
        }
        OwnedInFlightJobs inFlight = inFlight(TTL);
        inFlight.windows(Duration.ofDays(4), Duration.ofMinutes(10));
        String done = "done-" + unique;
        String lost = "lost-" + unique;
        assertThat(inFlight.add(sqsMessage("m-1"), done)).isTrue();
        inFlight.done(done);
        assertThat(inFlight.markQueued(lost)).as("marked, its message then lost").isTrue();
        inFlight.queued(lost);
        OwnDeletes deletes = new JdbcOwnDeletes(pool, OwnDeletes.TTL, clock);
        deletes.deleting("http://b/" + unique, "k", clock.instant());
        clock.advance(Duration.ofDays(31));
        String running = "running-" + unique;
        assertThat(inFlight.add(sqsMessage("m-2"), running)).isTrue();

        Map<String, Integer> swept = new JdbcRetention(pool, RETENTION, TTL, clock, 100).sweep();

        assertThat(swept.get("job_state")).as("in three batches of at most 100").isGreaterThanOrEqualTo(250);
        assertThat(rows("job_state", "run_id = ?", run)).isZero();
        assertThat(rows("in_flight_job", "id IN (?, ?)", done, lost)).as("a done mark, a lost job's queued mark")
                .isZero();
        assertThat(rows("in_flight_job", "id = ?", running)).isEqualTo(1);
        assertThat(rows("own_delete", "1 = 1")).as("past the echo window").isZero();
    }

    @Test
    void the_jdbc_backend_creates_its_tables_and_serves_every_store() throws Exception {
        backend.ping();
        backend.jobStore().recordResult(result("r-" + unique, "k", "e", JobResult.Outcome.COPIED, null, 1));
        assertThat(backend.jobStore().outcomeCounts("r-" + unique)).isEqualTo(Map.of("COPIED", 1L));
        assertThat(backend.inFlight().add(exchange(), "k-" + unique)).isTrue();
        assertThat(backend.leases().tryAcquire("l-" + unique, "me", TTL)).isTrue();
        assertThat(backend.checkpoints().uploadsFor("b", "k-" + unique)).isEmpty();
        assertThat(backend.clearInFlightAtStart()).as("other workers' entries are real").isFalse();
    }

    @Test
    void the_jdbc_backend_serves_sequencers_and_own_deletes_from_its_database() {
        String pair = "p-" + unique;
        KeySequencers sequencers = backend.keySequencers();
        assertThat(sequencers.advance(pair, "k", "0055AED6DCD90281E6")).isTrue();
        assertThat(sequencers.advance(pair, "k", "0055AED6DCD90281E5")).as("older").isFalse();
        assertThat(new JdbcKeySequencers(pool).advance(pair, "k", "0055AED6DCD90281E5"))
                .as("the backend's sequencer is in its database").isFalse();

        OwnDeletes deletes = backend.ownDeletes();
        String bucket = "http://b/" + pair;
        Instant now = Instant.now();
        deletes.deleting(bucket, "k", now);
        assertThat(deletes.consume(bucket, "k", now.plusMillis(300))).as("the echo").isTrue();
        assertThat(deletes.consume(bucket, "k", now.plusMillis(400))).as("claimed once").isFalse();
    }

    @Test
    void a_database_that_cannot_be_reached_is_a_config_error_naming_the_url_property() {
        assertThatThrownBy(() -> StateBackend.open(jdbc("jdbc:no-such-driver://nowhere/db", null)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).field()).isEqualTo("s3replicator.state.jdbc.url"))
                .hasMessageContaining("cannot connect to the state database");
        assertThatThrownBy(() -> jdbc(" ", null))
                .isInstanceOf(ConfigException.class)
                .hasMessage("s3replicator.state.jdbc.url: required when s3replicator.state.kind=jdbc");
    }

    @Test
    void a_closed_backend_fails_its_ping() {
        StateBackend other = StateBackend.open(jdbc(memoryUrl(), "sa"));
        other.close();
        assertThatThrownBy(other::ping).hasMessageContaining("closed");
    }
}
