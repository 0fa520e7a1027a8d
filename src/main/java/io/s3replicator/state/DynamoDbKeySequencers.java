package io.s3replicator.state;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * {@link KeySequencers} on DynamoDB: one item per pair and source key in the in-flight table,
 * {@code id = "sequencer#" + sha256(pair, key)}, with the normalised sequencer. Advancing is one
 * conditional UpdateItem ({@code attribute_not_exists(sequencer) OR sequencer <= :s}), so
 * concurrent workers never move a key backwards. Items expire (the table's TTL on
 * {@code expiresAt}) once no late event can arrive any more: after the longest SQS retention.
 */
public class DynamoDbKeySequencers implements KeySequencers {
    /** SQS keeps a message at most 14 days: no event arrives later than that. */
    static final Duration KEEP = Duration.ofDays(15);

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public DynamoDbKeySequencers(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean advance(String pairId, String key, String sequencer) {
        String seq = KeySequencers.normalize(sequencer);
        if (seq == null) {
            return true;
        }
        String id = "sequencer#" + Sha256.ofText(pairId + "\n" + key);
        try {
            client.updateItem(b -> b.tableName(table)
                    .key(Map.of(DynamoDbInFlightJobs.ID, AttributeValue.fromS(id)))
                    .updateExpression("SET #s = :s, #e = :e")
                    .conditionExpression("attribute_not_exists(#s) OR #s <= :s")
                    .expressionAttributeNames(Map.of("#s", "sequencer", "#e", DynamoDbOwnedEntries.EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":s", AttributeValue.fromS(seq),
                            ":e", AttributeValue.fromN(String.valueOf(clock.instant().plus(KEEP).getEpochSecond())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
