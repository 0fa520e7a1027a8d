package io.s3replicator.state.dynamodb;

import io.s3replicator.state.Leases;
import io.s3replicator.state.OwnedEntryLeases;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.util.Map;

/**
 * {@link Leases} on DynamoDB: one item per lease in the job-state table,
 * {@code pk = "lease#" + name}, {@code sk = "lease"}, attributes {@code owner} and
 * {@code expiresAt} (epoch seconds). Acquiring is a conditional PutItem.
 */
public class DynamoDbLeases extends OwnedEntryLeases {
    public DynamoDbLeases(DynamoDbClient client, String table) {
        this(client, table, Clock.systemUTC());
    }

    public DynamoDbLeases(DynamoDbClient client, String table, Clock clock) {
        super(new DynamoDbOwnedEntries(client, table,
                name -> Map.of(DynamoDbJobStore.PK, AttributeValue.fromS("lease#" + name),
                        DynamoDbJobStore.SK, AttributeValue.fromS("lease")),
                DynamoDbJobStore.PK, clock));
    }
}
