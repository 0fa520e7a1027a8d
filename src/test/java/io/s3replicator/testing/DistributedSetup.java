package io.s3replicator.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * The properties of a worker in distributed mode against this JVM's emulators: the SQS job
 * queue {@code queue} (DLQ {@code queue-dlq}) on ElasticMQ and the state tables
 * {@code tables-job-state} / {@code tables-in-flight} on DynamoDB Local, created if missing.
 */
public final class DistributedSetup {
    private DistributedSetup() {
    }

    public static Map<String, String> properties(String queue, String tables) {
        Map<String, String> p = new HashMap<>();
        p.put("s3replicator.queue.kind", "sqs");
        p.put("s3replicator.sqs.queue", queue);
        p.put("s3replicator.sqs.dlq", queue + "-dlq");
        p.put("s3replicator.sqs.endpoint", ElasticMq.endpoint());
        p.put("s3replicator.sqs.region", "us-east-1");
        p.put("s3replicator.sqs.create-queues", "true");
        p.put("s3replicator.sqs.wait-seconds", "1");
        p.put("s3replicator.sqs.retry-delay", "0");
        p.put("s3replicator.state.kind", "dynamodb");
        p.put("s3replicator.state.dynamodb.job-table", tables + "-job-state");
        p.put("s3replicator.state.dynamodb.in-flight-table", tables + "-in-flight");
        p.put("s3replicator.state.dynamodb.endpoint", DynamoDbLocal.endpoint());
        p.put("s3replicator.state.dynamodb.region", "us-east-1");
        p.put("s3replicator.state.dynamodb.create-tables", "true");
        return p;
    }
}
