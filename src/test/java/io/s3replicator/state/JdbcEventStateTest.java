package io.s3replicator.state;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Per-key event state on the embedded H2 file (the JDBC implementation). */
class JdbcEventStateTest extends EventStateContract {
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
    KeySequencers keySequencers(Clock clock) {
        return new JdbcKeySequencers(store.dataSource(), clock);
    }

    @Override
    void expire(Clock clock) {
        new JdbcRetention(store.dataSource(), RETENTION, Duration.ofMinutes(10), clock).sweep();
    }

    @Override
    OwnDeletes ownDeletes(Duration ttl, Clock clock) {
        return new JdbcOwnDeletes(store.dataSource(), ttl, clock);
    }
}
