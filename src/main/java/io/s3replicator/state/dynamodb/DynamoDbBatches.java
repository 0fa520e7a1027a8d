package io.s3replicator.state.dynamodb;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Many items at once: BatchWriteItem deletes 25 at a time, BatchGetItem reads 100; both may hand some back when throttled. */
final class DynamoDbBatches {
    private static final int BATCH = 25;
    private static final int GET_BATCH = 100;

    private DynamoDbBatches() {
    }

    static void deleteAll(DynamoDbClient client, String table, List<Map<String, AttributeValue>> keys) {
        List<WriteRequest> requests = new ArrayList<>();
        for (Map<String, AttributeValue> key : keys) {
            requests.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build());
        }
        writeAll(client, table, requests);
    }

    /** The items of these keys that exist: BatchGetItem takes 100 keys at a time, strongly consistent here. */
    static List<Map<String, AttributeValue>> getAll(DynamoDbClient client, String table,
                                                    List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += GET_BATCH) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + GET_BATCH))).consistentRead(true).build());
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    sleep(Math.min(2000, 50L << Math.min(attempt, 6)));
                }
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(request));
                items.addAll(response.responses().getOrDefault(table, List.of()));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (attempt > 20 && !pending.isEmpty()) {
                    throw new IllegalStateException("DynamoDB kept refusing reads from " + table);
                }
            }
        }
        return items;
    }

    private static void writeAll(DynamoDbClient client, String table, List<WriteRequest> requests) {
        for (int from = 0; from < requests.size(); from += BATCH) {
            List<WriteRequest> batch = requests.subList(from, Math.min(requests.size(), from + BATCH));
            Map<String, List<WriteRequest>> pending = Map.of(table, batch);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                if (attempt > 0) {
                    sleep(Math.min(2000, 50L << Math.min(attempt, 6)));
                }
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                if (attempt > 20 && !pending.isEmpty()) {
                    throw new IllegalStateException("DynamoDB kept refusing writes to " + table);
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting from DynamoDB", e);
        }
    }
}
