package io.s3replicator.queue;

import io.s3replicator.model.ConfigException;

/**
 * The SQS job queue's settings ({@code s3replicator.sqs.*}).
 *
 * @param queue             job queue name or URL
 * @param deadLetterQueue   DLQ name or URL: poison messages, permanent failures, and jobs that failed {@code maxReceives} times
 * @param endpoint          endpoint override (ElasticMQ, LocalStack, a VPC endpoint), or blank for AWS
 * @param region            region, or blank for the SDK's default chain
 * @param createQueues      create missing queues (with a redrive policy) at start instead of failing
 * @param maxReceives       receives before a failing job is moved to the DLQ (the queue's redrive policy wins when it has one)
 * @param visibilitySeconds how long a received job stays hidden; extended while the job runs
 * @param waitSeconds       long-polling wait, 1..20
 * @param retryDelaySeconds first delay before a transiently failed job is offered again; doubles per receive, at most 15 minutes
 */
public record SqsSettings(String queue, String deadLetterQueue, String endpoint, String region, boolean createQueues,
                          int maxReceives, int visibilitySeconds, int waitSeconds, int retryDelaySeconds) {

    public SqsSettings {
        if (queue == null || queue.isBlank()) {
            throw new ConfigException("s3replicator.sqs.queue", "is required when s3replicator.queue.kind=sqs");
        }
        if (deadLetterQueue == null || deadLetterQueue.isBlank()) {
            throw new ConfigException("s3replicator.sqs.dlq", "is required when s3replicator.queue.kind=sqs");
        }
        if (maxReceives < 1 || maxReceives > 1000) {
            throw new ConfigException("s3replicator.sqs.max-receives", maxReceives + " is outside 1..1000");
        }
        if (visibilitySeconds < 2 || visibilitySeconds > 43_200) {
            throw new ConfigException("s3replicator.sqs.visibility-timeout", visibilitySeconds + " is outside 2..43200 seconds");
        }
        if (waitSeconds < 1 || waitSeconds > 20) {
            throw new ConfigException("s3replicator.sqs.wait-seconds", waitSeconds + " is outside 1..20");
        }
        if (retryDelaySeconds < 0 || retryDelaySeconds > 900) {
            throw new ConfigException("s3replicator.sqs.retry-delay", retryDelaySeconds + " is outside 0..900 seconds");
        }
    }
}
