package io.s3replicator.state.dynamodb;

import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.OwnDeletes;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.EventStateContract;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.DynamoDbLocalKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-key event state on DynamoDB (DynamoDB Local), in the in-flight table as deploy/cdk creates it. */
class DynamoDbEventStateTest extends EventStateContract {
    static DynamoDbClient client;
    static StateBackend backend;
    static String inFlightTable;

    @BeforeAll
    static void tables() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        inFlightTable = "in-flight-" + suffix;
        client = DynamoDbLocal.client();
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use()) {
            backend = StateBackend.open(new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("unused"), null, null,
                    null, "job-state-" + suffix, inFlightTable, DynamoDbLocal.endpoint(), "us-east-1", true,
                    Duration.ofMinutes(10)));
        }
    }

    @AfterAll
    static void close() {
        client.close();
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    protected KeySequencers keySequencers(Clock clock) {
        return new DynamoDbKeySequencers(client, inFlightTable, RETENTION, clock);
    }

    @Override
    protected void expire(Clock clock) {
        DynamoDbTtl.expire(client, inFlightTable, clock.instant());
    }

    @Override
    protected OwnDeletes ownDeletes(Duration ttl, Clock clock) {
        return new DynamoDbOwnDeletes(client, inFlightTable, ttl, clock);
    }

    @Test
    void the_dynamodb_backend_serves_sequencers_and_own_deletes_from_its_in_flight_table() {
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use()) {
            KeySequencers sequencers = backend.keySequencers();
            assertThat(sequencers.advance(pair, "k", "0055AED6DCD90281E6")).isTrue();
            assertThat(sequencers.advance(pair, "k", "0055AED6DCD90281E5")).as("older").isFalse();
            assertThat(keySequencers().advance(pair, "k", "0055AED6DCD90281E5"))
                    .as("the backend's sequencer is in the in-flight table").isFalse();

            OwnDeletes deletes = backend.ownDeletes();
            String bucket = "http://b/" + pair;
            Instant now = Instant.now();
            deletes.deleting(bucket, "k", now);
            assertThat(deletes.consume(bucket, "k", now.plusMillis(300))).as("the echo").isTrue();
            assertThat(deletes.consume(bucket, "k", now.plusMillis(400))).as("claimed once").isFalse();
        }
    }
}
