package io.s3replicator.state.dynamodb;

import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.Sha256;
import io.s3replicator.state.StateSettings;
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
 * {@code expiresAt}) a retention after the key's last event, when no late event can arrive any
 * more ({@link StateSettings#MIN_RETENTION}).
 */
public class DynamoDbKeySequencers implements KeySequencers {
    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    /** @param retention how long a key's item outlives its last event (at least as long as an event can wait in SQS) */
    public DynamoDbKeySequencers(DynamoDbClient client, String table, Duration retention, Clock clock) {
        this.client = client;
        this.table = table;
        this.retention = retention;
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
                            ":e", AttributeValue.fromN(String.valueOf(clock.instant().plus(retention).getEpochSecond())))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }
}
