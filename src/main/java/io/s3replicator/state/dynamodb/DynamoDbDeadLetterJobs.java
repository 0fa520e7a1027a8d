package io.s3replicator.state.dynamodb;

import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.JobStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * {@link DeadLetterJobs} on DynamoDB (an embedded queue beside a DynamoDB state), in the job-state
 * table: one partition {@code pk = "dead-letters"}, {@code sk} = the job identity. Read whole and
 * sorted by failure time: dead jobs are few, and they carry no TTL (they are there to be looked at).
 */
public class DynamoDbDeadLetterJobs implements DeadLetterJobs {
    private static final String PARTITION = "dead-letters";
    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public DynamoDbDeadLetterJobs(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.table = table;
        this.clock = clock;
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of(DynamoDbJobStore.PK, s(PARTITION), DynamoDbJobStore.SK, s(id));
    }

    @Override
    public void add(String id, String pairId, String reason, String body) {
        String stored = JobStore.storedReason(reason);
        client.updateItem(b -> b.tableName(table).key(key(id))
                .updateExpression("SET failedAt = :at, pairId = :pair, reason = :reason, body = :body, redrive = :no"
                        + " ADD failures :one")
                .expressionAttributeValues(Map.of(":at", n(clock.millis()), ":pair", s(pairId == null ? "-" : pairId),
                        ":reason", s(stored == null || stored.isEmpty() ? "-" : stored), ":body", s(body),
                        ":no", AttributeValue.fromBool(false), ":one", n(1))));
    }

    @Override
    public List<Entry> list(int max) {
        return all().stream().limit(max).toList();
    }

    @Override
    public int markForRedrive(int max) {
        return (int) all().stream().filter(e -> !e.redrive()).limit(max).filter(e -> flip(e.id(), false)).count();
    }

    @Override
    public List<Entry> takeMarked(int max) {
        return all().stream().filter(Entry::redrive).limit(max).filter(e -> flip(e.id(), true)).toList();
    }

    @Override
    public void remove(String id) {
        client.deleteItem(b -> b.tableName(table).key(key(id)));
    }

    /** Sets {@code redrive} to the opposite of {@code from} if it still is {@code from}: one of two racing callers wins. */
    private boolean flip(String id, boolean from) {
        try {
            client.updateItem(b -> b.tableName(table).key(key(id)).updateExpression("SET redrive = :to")
                    .conditionExpression("attribute_exists(sk) AND redrive = :from")
                    .expressionAttributeValues(Map.of(":to", AttributeValue.fromBool(!from),
                            ":from", AttributeValue.fromBool(from))));
            return true;
        } catch (ConditionalCheckFailedException changed) {
            return false;
        }
    }

    private List<Entry> all() {
        return client.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", s(PARTITION))))
                .items().stream()
                .map(i -> new Entry(i.get(DynamoDbJobStore.SK).s(), Instant.ofEpochMilli(Long.parseLong(i.get("failedAt").n())),
                        dash(i.get("pairId").s()), dash(i.get("reason").s()), i.get("body").s(),
                        Integer.parseInt(i.get("failures").n()), Boolean.TRUE.equals(i.get("redrive").bool())))
                .sorted(Comparator.comparing(Entry::failedAt).thenComparing(Entry::id))
                .toList();
    }

    private static String dash(String value) {
        return "-".equals(value) ? null : value;
    }
}
