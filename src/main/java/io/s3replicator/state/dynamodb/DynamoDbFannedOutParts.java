package io.s3replicator.state.dynamodb;

import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.Sha256;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * {@link FannedOutParts} on DynamoDB, in the job-state table:
 * <pre>
 *   pk = "fanout#" + SHA-256(uploadId)   sk = "upload"        partCount, recorded, sent, result, claimOwner, claimExpires
 *   pk = (same)                          sk = "part#00001"    etag
 * </pre>
 * A part is recorded by one transaction: its item, put only if absent, and {@code ADD recorded 1} on
 * the upload's item, so a part is counted exactly once and never without its ETag; a part recorded
 * again only replaces its ETag. Claims and ends are conditional updates of the upload's item. Every
 * item carries {@code expiresAt} a retention after its last write, for the table's TTL (the items
 * normally go when the object's job consumed the upload's end).
 */
public class DynamoDbFannedOutParts implements FannedOutParts {
    private static final String PK = DynamoDbJobStore.PK;
    private static final String SK = DynamoDbJobStore.SK;
    private static final String EXPIRES_AT = DynamoDbJobStore.EXPIRES_AT;
    private static final String UPLOAD = "upload";
    /** Transactions on one upload's item collide when many parts are recorded at the same moment. */
    private static final int CONFLICT_ATTEMPTS = 8;

    private final DynamoDbClient client;
    private final String table;
    private final Duration retention;
    private final Clock clock;

    public DynamoDbFannedOutParts(DynamoDbClient client, String table, Duration retention) {
        this(client, table, retention, Clock.systemUTC());
    }

    public DynamoDbFannedOutParts(DynamoDbClient client, String table, Duration retention, Clock clock) {
        this.client = client;
        this.table = table;
        this.retention = retention;
        this.clock = clock;
    }

    private static String partition(String uploadId) {
        return "fanout#" + Sha256.hex(uploadId);
    }

    private static Map<String, AttributeValue> uploadKey(String uploadId) {
        return Map.of(PK, s(partition(uploadId)), SK, s(UPLOAD));
    }

    private static String partKey(int part) {
        return String.format("part#%05d", part);
    }

    private AttributeValue expiry() {
        return n(clock.instant().plus(retention).getEpochSecond());
    }

    @Override
    public Progress open(String uploadId, int partCount) {
        Map<String, AttributeValue> item = new HashMap<>(uploadKey(uploadId));
        item.put("uploadId", s(uploadId));
        item.put("partCount", n(partCount));
        item.put("recorded", n(0));
        item.put("sent", AttributeValue.fromBool(false));
        item.put(EXPIRES_AT, expiry());
        try {
            client.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(#pk)")
                    .expressionAttributeNames(Map.of("#pk", PK)));
        } catch (ConditionalCheckFailedException registered) {
            // a resumed job: the record stays as it is
        }
        return progress(uploadId).orElseThrow(() -> new IllegalStateException("upload " + uploadId
                + " was forgotten while it was being registered"));
    }

    @Override
    public void sent(String uploadId) {
        client.updateItem(b -> b.tableName(table).key(uploadKey(uploadId))
                .updateExpression("SET sent = :t, #e = :e").conditionExpression("attribute_exists(#pk)")
                .expressionAttributeNames(Map.of("#pk", PK, "#e", EXPIRES_AT))
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true), ":e", expiry())));
    }

    @Override
    public Progress record(String uploadId, int part, String etag) {
        Map<String, AttributeValue> item = new HashMap<>(Map.of(PK, s(partition(uploadId)), SK, s(partKey(part))));
        item.put("etag", s(etag));
        item.put(EXPIRES_AT, expiry());
        TransactWriteItem putPart = TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                .conditionExpression("attribute_not_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK))
                .build()).build();
        TransactWriteItem count = TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(uploadKey(uploadId)).updateExpression("ADD recorded :one SET #e = :e")
                .conditionExpression("attribute_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK, "#e", EXPIRES_AT))
                .expressionAttributeValues(Map.of(":one", n(1), ":e", expiry())).build()).build();
        for (int attempt = 1; ; attempt++) {
            try {
                client.transactWriteItems(b -> b.transactItems(putPart, count));
                break;
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                String partReason = reasons.size() > 0 ? reasons.get(0).code() : null;
                String uploadReason = reasons.size() > 1 ? reasons.get(1).code() : null;
                if ("ConditionalCheckFailed".equals(uploadReason)) {
                    return null; // forgotten: the upload ended
                }
                if ("ConditionalCheckFailed".equals(partReason)) {
                    // Recorded before (sent twice): the later ETag is what the store holds now; counted once.
                    client.putItem(b -> b.tableName(table).item(item));
                    break;
                }
                if (attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                // TransactionConflict: another part of this upload recorded at this moment.
                sleep(ThreadLocalRandom.current().nextLong(10L << attempt, 20L << attempt));
            }
        }
        return progress(uploadId).orElse(null);
    }

    @Override
    public Optional<Progress> progress(String uploadId) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(uploadKey(uploadId))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        Instant claimExpires = item.containsKey("claimExpires")
                ? Instant.ofEpochMilli(Long.parseLong(item.get("claimExpires").n())) : null;
        if (claimExpires != null && claimExpires.isBefore(clock.instant())) {
            claimExpires = null;
        }
        return Optional.of(new Progress(Integer.parseInt(item.get("partCount").n()),
                Integer.parseInt(item.get("recorded").n()), Boolean.TRUE.equals(item.get("sent").bool()),
                item.containsKey("result") ? item.get("result").s() : null, claimExpires));
    }

    @Override
    public SortedMap<Integer, String> etags(String uploadId) {
        QueryRequest query = QueryRequest.builder().tableName(table)
                .keyConditionExpression("#pk = :pk AND begins_with(#sk, :part)")
                .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", s(partition(uploadId)), ":part", s("part#")))
                .consistentRead(true).build();
        SortedMap<Integer, String> out = new TreeMap<>();
        client.queryPaginator(query).items().forEach(i ->
                out.put(Integer.parseInt(i.get(SK).s().substring("part#".length())), i.get("etag").s()));
        return out;
    }

    @Override
    public boolean claimCompletion(String uploadId, String owner, Duration ttl) {
        long now = clock.millis();
        return update(uploadId, "SET claimOwner = :o, claimExpires = :x",
                "recorded >= partCount AND attribute_not_exists(#r)"
                        + " AND (attribute_not_exists(claimOwner) OR claimExpires < :now OR claimOwner = :o)",
                Map.of(":o", s(owner), ":x", n(now + ttl.toMillis()), ":now", n(now)));
    }

    @Override
    public void releaseCompletion(String uploadId, String owner) {
        update(uploadId, "REMOVE claimOwner, claimExpires", "claimOwner = :o", Map.of(":o", s(owner)));
    }

    @Override
    public boolean finishCompletion(String uploadId, String owner, String result) {
        return update(uploadId, "SET #r = :r REMOVE claimOwner, claimExpires",
                "claimOwner = :o AND attribute_not_exists(#r)", Map.of(":o", s(owner), ":r", s(result)));
    }

    @Override
    public boolean fail(String uploadId, String result) {
        return update(uploadId, "SET #r = :r", "attribute_exists(#pk) AND attribute_not_exists(#r)"
                + " AND recorded < partCount", Map.of(":r", s(result)));
    }

    @Override
    public void reopen(String uploadId, String result) {
        update(uploadId, "SET sent = :f REMOVE #r", "#r = :r", Map.of(":r", s(result),
                ":f", AttributeValue.fromBool(false)));
    }

    /** A conditional update of the upload's item that also pushes its expiry; false when the condition failed. */
    private boolean update(String uploadId, String expression, String condition, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":e", expiry());
        Map<String, String> names = new HashMap<>(Map.of("#e", EXPIRES_AT));
        if (condition.contains("#pk")) {
            names.put("#pk", PK);
        }
        if (expression.contains("#r") || condition.contains("#r")) {
            names.put("#r", "result");
        }
        String set = expression.startsWith("SET ") ? expression.replaceFirst("SET ", "SET #e = :e, ")
                : "SET #e = :e " + expression;
        try {
            client.updateItem(b -> b.tableName(table).key(uploadKey(uploadId)).updateExpression(set)
                    .conditionExpression(condition).expressionAttributeNames(names).expressionAttributeValues(all));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void forget(String uploadId) {
        // The upload's item first: a part recorded late finds no upload and is not counted.
        client.deleteItem(b -> b.tableName(table).key(uploadKey(uploadId)));
        QueryRequest query = QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk")
                .projectionExpression("#pk, #sk").expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", s(partition(uploadId)))).consistentRead(true).build();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        client.queryPaginator(query).items().forEach(keys::add);
        DynamoDbBatches.deleteAll(client, table, keys);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
