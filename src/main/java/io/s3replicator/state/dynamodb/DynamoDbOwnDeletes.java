package io.s3replicator.state.dynamodb;

import io.s3replicator.state.OwnDeletes;
import io.s3replicator.state.Sha256;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@link OwnDeletes} on DynamoDB: one item per deleted object in the in-flight table,
 * {@code id = "own-delete#" + sha256(location, key)}, {@code deletedAt} in epoch millis and
 * {@code expiresAt} for the table's TTL. Claiming the echo is one conditional DeleteItem, so two
 * workers handling the same echo cannot both claim it.
 */
public class DynamoDbOwnDeletes implements OwnDeletes {
    private final DynamoDbClient client;
    private final String table;
    private final Duration ttl;
    private final Clock clock;

    public DynamoDbOwnDeletes(DynamoDbClient client, String table, Duration ttl, Clock clock) {
        this.client = client;
        this.table = table;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public void deleting(String location, String key, Instant at) {
        client.putItem(b -> b.tableName(table).item(Map.of(
                DynamoDbInFlightJobs.ID, AttributeValue.fromS(id(location, key)),
                "deletedAt", AttributeValue.fromN(String.valueOf(at.toEpochMilli())),
                DynamoDbOwnedEntries.EXPIRES_AT, AttributeValue.fromN(String.valueOf(at.plus(ttl).getEpochSecond())))));
    }

    @Override
    public boolean consume(String location, String key, Instant eventTime) {
        EchoWindow window = EchoWindow.of(eventTime, clock.instant(), ttl);
        try {
            client.deleteItem(b -> b.tableName(table)
                    .key(Map.of(DynamoDbInFlightJobs.ID, AttributeValue.fromS(id(location, key))))
                    .conditionExpression("#d BETWEEN :lo AND :hi")
                    .expressionAttributeNames(Map.of("#d", "deletedAt"))
                    .expressionAttributeValues(Map.of(
                            ":lo", AttributeValue.fromN(String.valueOf(window.earliest().toEpochMilli())),
                            ":hi", AttributeValue.fromN(String.valueOf(window.latest().toEpochMilli())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void forget(String location, String key) {
        client.deleteItem(b -> b.tableName(table)
                .key(Map.of(DynamoDbInFlightJobs.ID, AttributeValue.fromS(id(location, key)))));
    }

    private static String id(String location, String key) {
        return "own-delete#" + Sha256.ofText(location + "\n" + key);
    }
}
