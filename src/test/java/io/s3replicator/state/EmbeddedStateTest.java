package io.s3replicator.state;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

/** The state contract on the embedded default: an H2 file under the state directory. */
class EmbeddedStateTest extends StateContract {
    @TempDir
    static Path dir;
    static StateStore store;

    @BeforeAll
    static void open() {
        store = new StateStore(dir);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    JobStore jobStore() {
        return new JdbcJobStore(store.dataSource(), clock);
    }

    @Override
    CheckpointStore checkpoints() {
        return new JdbcCheckpointStore(store.dataSource());
    }

    @Override
    OwnedInFlightJobs inFlight(Duration ttl) {
        return new JdbcInFlightJobs(store.dataSource(), ttl, clock);
    }

    @Override
    Leases leases() {
        return new JdbcLeases(store.dataSource(), clock);
    }
}
