package io.s3replicator.state.dynamodb;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.Leases;
import io.s3replicator.state.OwnedInFlightJobs;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.StateContract;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.DynamoDbLocalKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** The state contract on DynamoDB (DynamoDB Local in this JVM), tables as deploy/cdk creates them. */
class DynamoDbStateTest extends StateContract {
    static DynamoDbClient client;
    static StateBackend backend;
    static String jobTable;
    static String inFlightTable;

    @BeforeAll
    static void tables() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        jobTable = "job-state-" + suffix;
        inFlightTable = "in-flight-" + suffix;
        client = DynamoDbLocal.client();
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use()) {
            backend = StateBackend.open(new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("unused"), null, null,
                    null, jobTable, inFlightTable, DynamoDbLocal.endpoint(), "us-east-1", true, Duration.ofMinutes(10)));
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
    protected JobStore jobStore() {
        return new DynamoDbJobStore(client, jobTable, RETENTION, clock);
    }

    @Override
    protected CheckpointStore checkpoints() {
        return new DynamoDbCheckpointStore(client, jobTable, clock);
    }

    @Override
    protected OwnedInFlightJobs inFlight(Duration ttl) {
        return new DynamoDbInFlightJobs(client, inFlightTable, ttl, clock);
    }

    @Override
    protected Leases leases() {
        return new DynamoDbLeases(client, jobTable, clock);
    }

    @Override
    protected DeadLetterJobs deadLetters() {
        return new DynamoDbDeadLetterJobs(client, jobTable, clock);
    }

    @Override
    protected CopiedEtags copiedEtags() {
        return new DynamoDbCopiedEtags(client, jobTable, RETENTION, clock);
    }

    @Override
    protected FannedOutParts fannedOutParts() {
        return new DynamoDbFannedOutParts(client, jobTable, RETENTION, clock);
    }

    @Override
    protected void expire() {
        DynamoDbTtl.expire(client, jobTable, clock.instant());
        DynamoDbTtl.expire(client, inFlightTable, clock.instant());
    }
}
