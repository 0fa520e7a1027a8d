package io.s3replicator.state.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What DynamoDB's TTL does, at a time a test chooses: deletes the items whose {@code expiresAt}
 * (epoch seconds) is before {@code now}. The service does it lazily, within days, so a test
 * cannot wait for it; items without the attribute are never deleted.
 */
final class DynamoDbTtl {
    private DynamoDbTtl() {
    }

    static void expire(DynamoDbClient client, String table, Instant now) {
        List<String> keys = client.describeTable(b -> b.tableName(table)).table().keySchema().stream()
                .map(k -> k.attributeName()).toList();
        List<Map<String, AttributeValue>> expired = client.scanPaginator(b -> b.tableName(table)
                        .filterExpression("#e < :now")
                        .expressionAttributeNames(Map.of("#e", DynamoDbOwnedEntries.EXPIRES_AT))
                        .expressionAttributeValues(Map.of(":now", AttributeValue.fromN(String.valueOf(now.getEpochSecond())))))
                .items().stream().map(item -> {
                    Map<String, AttributeValue> key = new java.util.HashMap<>(item);
                    key.keySet().retainAll(keys);
                    return key;
                }).toList();
        DynamoDbBatches.deleteAll(client, table, expired);
    }
}
