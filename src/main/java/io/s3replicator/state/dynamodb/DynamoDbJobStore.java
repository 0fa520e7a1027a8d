package io.s3replicator.state.dynamodb;

import io.s3replicator.state.JobResult;
import io.s3replicator.state.JobStatus;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.JobResult.Outcome;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * {@link JobStore} on DynamoDB, in the job-state table (partition key {@code pk}, sort key
 * {@code sk}, both strings):
 * <pre>
 *   pk = "run#" + runId + "#" + shard (00..15)     sk = "job#" + SHA-256 of the job's identity
 * </pre>
 * A run's jobs are spread over {@value #SHARDS} partitions so one large run is not one hot
 * partition; counting reads those partitions back. Each recorded attempt is one UpdateItem
 * (ADD attempts 1); its condition keeps a COPIED status. Each attempt also sets {@code expiresAt}
 * a retention ahead, so the table's TTL removes a job's record once it is only history.
 */
public class DynamoDbJobStore implements JobStore {
    static final String PK = "pk";
    static final String SK = "sk";
    /** The TTL attribute of both tables (epoch seconds); items without it never expire. */
    static final String EXPIRES_AT = DynamoDbOwnedEntries.EXPIRES_AT;
    static final int SHARDS = 16;
    private static final String COPIED = Outcome.COPIED.name();

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final Duration retention;
    private final DynamoDbGroupWrites writes;

    public DynamoDbJobStore(DynamoDbClient client, String table, Duration retention, Clock clock) {
        this(client, table, retention, clock, null);
    }

    /**
     * @param retention how long an item outlives its job's last attempt (its {@code expiresAt}, the TTL)
     * @param writes    where first copies are gathered into batch writes; null to write each at once
     */
    public DynamoDbJobStore(DynamoDbClient client, String table, Duration retention, Clock clock, DynamoDbGroupWrites writes) {
        this.retention = retention;
        this.client = client;
        this.table = table;
        this.clock = clock;
        this.writes = writes;
    }

    /**
     * A first attempt that copied: no earlier record of the job can hold anything to keep (a COPIED
     * status or an attempt count), so a plain put does, gathered with others into one BatchWriteItem.
     */
    @Override
    public CompletableFuture<Void> recordFirstCopy(JobResult r) {
        if (writes == null || r.outcome() != Outcome.COPIED) {
            return JobStore.super.recordFirstCopy(r);
        }
        String id = JobStore.jobId(r.runId(), r.pairId(), r.sourceKey(), r.sourceEtag(), r.versionId());
        Map<String, AttributeValue> key = key(r.runId(), id);
        AttributeValue now = s(clock.instant().toString());
        Map<String, AttributeValue> item = new HashMap<>(key);
        item.put("runId", s(JobStore.runOf(r.runId())));
        item.put("pairId", s(r.pairId()));
        item.put("sourceKey", s(r.sourceKey()));
        putIfPresent(item, "sourceEtag", r.sourceEtag());
        putIfPresent(item, "versionId", r.versionId());
        putIfPresent(item, "destinationKey", r.destinationKey());
        item.put("operation", s(r.operation()));
        item.put("status", s(r.outcome().name()));
        putIfPresent(item, "reason", JobStore.storedReason(r.reason()));
        item.put("bytes", n(r.bytes()));
        putIfPresent(item, "path", r.path());
        item.put("millis", n(r.millis()));
        item.put("lastAt", now);
        item.put("firstAt", now);
        item.put("attempts", n(1));
        item.put(EXPIRES_AT, expiresAt());
        return writes.put(table, key, item);
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, s(value));
        }
    }

    /** A retention after this attempt, in epoch seconds: the table's TTL deletes the item then. */
    private AttributeValue expiresAt() {
        return n(clock.instant().plus(retention).getEpochSecond());
    }

    static String partition(String runId, int shard) {
        return String.format("run#%s#%02d", JobStore.runOf(runId), shard);
    }

    static Map<String, AttributeValue> key(String runId, String jobId) {
        // The first hex digit of a SHA-256 is uniform over 16 values: the shard.
        return Map.of(PK, s(partition(runId, Character.digit(jobId.charAt(0), 16) % SHARDS)),
                SK, s("job#" + jobId));
    }

    @Override
    public void recordResult(JobResult r) {
        String id = JobStore.jobId(r.runId(), r.pairId(), r.sourceKey(), r.sourceEtag(), r.versionId());
        Map<String, AttributeValue> key = key(r.runId(), id);
        AttributeValue now = s(clock.instant().toString());

        Update update = new Update();
        update.set("runId", s(JobStore.runOf(r.runId())));
        update.set("pairId", s(r.pairId()));
        update.set("sourceKey", s(r.sourceKey()));
        update.setIfPresent("sourceEtag", r.sourceEtag());
        update.setIfPresent("versionId", r.versionId());
        update.setIfPresent("destinationKey", r.destinationKey());
        update.set("operation", s(r.operation()));
        update.set("status", s(r.outcome().name()));
        update.setOrRemove("reason", JobStore.storedReason(r.reason()));
        update.set("bytes", n(r.bytes()));
        update.setOrRemove("path", r.path());
        update.set("millis", n(r.millis()));
        update.set("lastAt", now);
        update.set(EXPIRES_AT, expiresAt());
        update.setExpression("firstAt", "if_not_exists(#firstAt, :lastAt)");
        update.names.put("#pk", PK);
        update.values.put(":copied", s(COPIED));
        String expression = update.expression();
        try {
            client.updateItem(b -> b.tableName(table).key(key).updateExpression(expression)
                    .conditionExpression("attribute_not_exists(#pk) OR #status <> :copied")
                    .expressionAttributeNames(update.names).expressionAttributeValues(update.values));
        } catch (ConditionalCheckFailedException copiedAlready) {
            // Another attempt at a job that was copied: count the attempt, keep the outcome.
            client.updateItem(b -> b.tableName(table).key(key)
                    .updateExpression("SET #lastAt = :now, #e = :e ADD #attempts :one")
                    .expressionAttributeNames(Map.of("#lastAt", "lastAt", "#e", EXPIRES_AT, "#attempts", "attempts"))
                    .expressionAttributeValues(Map.of(":now", now, ":e", expiresAt(), ":one", n(1))));
        }
    }

    @Override
    public Map<String, Long> outcomeCounts(String runId) {
        // One pass per shard reading only the status (Select=COUNT with a filter per outcome
        // would read every item once per outcome).
        Map<String, Long> out = new TreeMap<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            QueryRequest query = QueryRequest.builder().tableName(table)
                    .keyConditionExpression("#pk = :pk AND begins_with(#sk, :job)")
                    .projectionExpression("#status")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#status", "status"))
                    .expressionAttributeValues(Map.of(":pk", s(partition(runId, shard)), ":job", s("job#")))
                    .consistentRead(true)
                    .build();
            client.queryPaginator(query).items().forEach(item -> out.merge(item.get("status").s(), 1L, Long::sum));
        }
        return out;
    }

    @Override
    public Optional<JobStatus> status(String runId, String pairId, String sourceKey, String sourceEtag,
                                      String versionId) {
        String id = JobStore.jobId(runId, pairId, sourceKey, sourceEtag, versionId);
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key(runId, id))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new JobStatus(str(item, "runId"), str(item, "pairId"), str(item, "sourceKey"),
                str(item, "sourceEtag"), str(item, "versionId"), str(item, "destinationKey"), str(item, "operation"),
                Outcome.valueOf(str(item, "status")), str(item, "reason"), (int) num(item, "attempts"),
                num(item, "bytes"), str(item, "path"), num(item, "millis"), Instant.parse(str(item, "firstAt")),
                Instant.parse(str(item, "lastAt"))));
    }

    /** An UpdateItem expression built attribute by attribute; every name is aliased (many are reserved words). */
    private static final class Update {
        final Map<String, String> names = new HashMap<>();
        final Map<String, AttributeValue> values = new HashMap<>();
        final List<String> sets = new ArrayList<>();
        final List<String> removes = new ArrayList<>();

        void set(String name, AttributeValue value) {
            setExpression(name, ":" + name);
            values.put(":" + name, value);
        }

        void setExpression(String name, String expression) {
            names.put("#" + name, name);
            sets.add("#" + name + " = " + expression);
        }

        void setIfPresent(String name, String value) {
            if (value != null) {
                set(name, s(value));
            }
        }

        void setOrRemove(String name, String value) {
            if (value != null) {
                set(name, s(value));
            } else {
                names.put("#" + name, name);
                removes.add("#" + name);
            }
        }

        String expression() {
            names.put("#attempts", "attempts");
            values.put(":one", n(1));
            return "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes))
                    + " ADD #attempts :one";
        }
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s();
    }

    private static long num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? 0 : Long.parseLong(v.n());
    }
}
