package io.s3replicator.state.dynamodb;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.Sha256;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * {@link CheckpointStore} on DynamoDB, in the job-state table:
 * <pre>
 *   pk = "upload#" + SHA-256(bucket, key)   sk = "id#" + SHA-256(uploadId)   the uploads of one object
 *   pk = "parts#" + SHA-256(uploadId)       sk = "upload"                    the upload, for forget
 * </pre>
 * Earlier releases also wrote one {@code "part#00001"} item per sent part under the upload's
 * partition; forget still removes the whole partition, those included.
 * Keys are hashed because S3 keys and upload ids may be longer than a DynamoDB sort key.
 */
public class DynamoDbCheckpointStore implements CheckpointStore {
    private static final String PK = DynamoDbJobStore.PK;
    private static final String SK = DynamoDbJobStore.SK;
    /** Page size of the forget query (a partition of an earlier release may hold 10,000 part items). */
    static final int PAGE = 1000;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;

    public DynamoDbCheckpointStore(DynamoDbClient client, String table) {
        this(client, table, Clock.systemUTC());
    }

    public DynamoDbCheckpointStore(DynamoDbClient client, String table, Clock clock) {
        this.client = client;
        this.table = table;
        this.clock = clock;
    }

    private static String objectPartition(String bucket, String key) {
        return "upload#" + Sha256.hex(bucket, key);
    }

    private static String partsPartition(String uploadId) {
        return "parts#" + Sha256.hex(uploadId);
    }

    @Override
    public List<Upload> uploadsFor(String bucket, String key) {
        QueryRequest query = QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk")
                .expressionAttributeNames(Map.of("#pk", PK))
                .expressionAttributeValues(Map.of(":pk", s(objectPartition(bucket, key))))
                .consistentRead(true).build();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        client.queryPaginator(query).items().forEach(items::add);
        items.sort(Comparator.comparingLong((Map<String, AttributeValue> i) -> Long.parseLong(i.get("startedAt").n()))
                .thenComparing(i -> i.get("uploadId").s()));
        List<Upload> out = new ArrayList<>();
        for (Map<String, AttributeValue> i : items) {
            out.add(new Upload(bucket, key, i.get("sourceEtag").s(), i.get("uploadId").s(),
                    Long.parseLong(i.get("partSize").n())));
        }
        return out;
    }

    @Override
    public void started(Upload u) {
        String objectPk = objectPartition(u.destinationBucket(), u.destinationKey());
        String objectSk = "id#" + Sha256.hex(u.uploadId());
        Map<String, AttributeValue> index = Map.of(PK, s(objectPk), SK, s(objectSk),
                "uploadId", s(u.uploadId()), "sourceEtag", s(u.sourceEtag()), "partSize", n(u.partSize()),
                "startedAt", n(clock.millis()));
        Map<String, AttributeValue> header = Map.of(PK, s(partsPartition(u.uploadId())), SK, s("upload"),
                "uploadId", s(u.uploadId()), "objectPk", s(objectPk), "objectSk", s(objectSk));
        // Both or neither: an index entry without its header could never be forgotten.
        client.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(index).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(header).build()).build()));
    }

    @Override
    public void forget(String uploadId) {
        String partsPk = partsPartition(uploadId);
        Map<String, AttributeValue> header = client.getItem(b -> b.tableName(table)
                .key(Map.of(PK, s(partsPk), SK, s("upload"))).consistentRead(true)).item();
        if (header != null && !header.isEmpty()) {
            // First out of the object's list, so nobody resumes an upload being forgotten.
            client.deleteItem(b -> b.tableName(table).key(Map.of(PK, header.get("objectPk"), SK, header.get("objectSk"))));
        }
        QueryRequest query = QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk")
                .projectionExpression("#pk, #sk").expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                .expressionAttributeValues(Map.of(":pk", s(partsPk))).limit(PAGE).consistentRead(true).build();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        client.queryPaginator(query).items().forEach(keys::add);
        // In sort-key order: "part#..." before "upload", so the header goes last and a forget cut
        // short can be done again.
        DynamoDbBatches.deleteAll(client, table, keys);
    }
}
