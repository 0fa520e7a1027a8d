package io.s3replicator.state.dynamodb;

import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.Sha256;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * {@link CopiedEtags} on DynamoDB, in the job-state table:
 * {@code pk = "copied#" + SHA-256(bucket, key), sk = "etag"}, one item per destination object.
 * It expires a retention after the copy (TTL on {@code expiresAt}): losing one costs a HEAD at the
 * next diff, whose in-step skip records it again.
 */
public class DynamoDbCopiedEtags implements CopiedEtags {
    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    /** @param retention how long a record outlives the copy (its {@code expiresAt}, the TTL) */
    public DynamoDbCopiedEtags(DynamoDbClient client, String table, Duration retention, Clock clock) {
        this.client = client;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> key(String bucket, String key) {
        return Map.of(DynamoDbJobStore.PK, s("copied#" + Sha256.hex(bucket, key)), DynamoDbJobStore.SK, s("etag"));
    }

    @Override
    public void copied(String bucket, String key, String sourceEtag, String destinationEtag) {
        Map<String, AttributeValue> item = new HashMap<>(key(bucket, key));
        item.put("sourceEtag", s(sourceEtag));
        item.put("destinationEtag", s(destinationEtag));
        item.put(DynamoDbJobStore.EXPIRES_AT, n(clock.instant().plus(retention).getEpochSecond()));
        client.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public boolean isCopyOf(String bucket, String key, String sourceEtag, String destinationEtag) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key(bucket, key))).item();
        return item != null && item.containsKey("sourceEtag")
                && item.get("sourceEtag").s().equalsIgnoreCase(sourceEtag)
                && item.get("destinationEtag").s().equalsIgnoreCase(destinationEtag);
    }
}
