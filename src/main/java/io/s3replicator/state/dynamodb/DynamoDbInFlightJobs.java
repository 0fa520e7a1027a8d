package io.s3replicator.state.dynamodb;

import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.OwnedInFlightJobs;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link InFlightJobs} on DynamoDB (Camel has no DynamoDB idempotent repository): one item per
 * job in the in-flight table, partition key {@code id} (the job's idempotent key), attributes
 * {@code owner} and {@code expiresAt} (epoch seconds, the table's TTL attribute). Claims are
 * conditional writes (gathered into batched statements when given {@link DynamoDbGroupClaims}), so of
 * many workers adding one key exactly one wins.
 */
public class DynamoDbInFlightJobs extends OwnedInFlightJobs {
    static final String ID = "id";

    private final DynamoDbClient client;
    private final String table;

    public DynamoDbInFlightJobs(DynamoDbClient client, String table, Duration ttl) {
        this(client, table, ttl, Clock.systemUTC());
    }

    public DynamoDbInFlightJobs(DynamoDbClient client, String table, Duration ttl, Clock clock) {
        this(client, table, ttl, clock, null);
    }

    /** @param writes where done marks are gathered into batch writes; null to write each at once */
    public DynamoDbInFlightJobs(DynamoDbClient client, String table, Duration ttl, Clock clock, DynamoDbGroupWrites writes) {
        this(client, table, ttl, clock, writes, null);
    }

    /** @param claims where claims are gathered into batched statements; null to claim each with a PutItem */
    public DynamoDbInFlightJobs(DynamoDbClient client, String table, Duration ttl, Clock clock, DynamoDbGroupWrites writes,
                                DynamoDbGroupClaims claims) {
        super(ttl, new DynamoDbOwnedEntries(client, table, id -> Map.of(ID, AttributeValue.fromS(id)), ID, clock,
                writes).claimingInBatches(claims));
        this.client = client;
        this.table = table;
    }

    /** Deletes every entry (a scan: meant for a table this process alone uses). */
    @Override
    public void clear() {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        client.scanPaginator(ScanRequest.builder().tableName(table).projectionExpression("#id")
                .expressionAttributeNames(Map.of("#id", ID)).consistentRead(true).build())
                .items().forEach(keys::add);
        DynamoDbBatches.deleteAll(client, table, keys);
    }
}
