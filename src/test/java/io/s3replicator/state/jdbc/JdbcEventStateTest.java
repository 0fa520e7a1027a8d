package io.s3replicator.state.jdbc;

import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.OwnDeletes;
import io.s3replicator.state.EventStateContract;
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
    static EmbeddedDatabase store;

    @BeforeAll
    static void open() {
        store = new EmbeddedDatabase(dir);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Override
    protected KeySequencers keySequencers(Clock clock) {
        return new JdbcKeySequencers(store.dataSource(), clock);
    }

    @Override
    protected void expire(Clock clock) {
        new JdbcRetention(store.dataSource(), RETENTION, Duration.ofMinutes(10), clock).sweep();
    }

    @Override
    protected OwnDeletes ownDeletes(Duration ttl, Clock clock) {
        return new JdbcOwnDeletes(store.dataSource(), ttl, clock);
    }
}
