package io.s3replicator.testing;

import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

/**
 * ElasticMQ in this JVM (real emulators in the test JVM, no Docker): a real SQS API on loopback, redrive to a DLQ
 * included. Started once per JVM and shared; tests use their own queues.
 */
public final class ElasticMq {
    private static SQSRestServer server;
    private static String endpoint;

    private ElasticMq() {
    }

    public static synchronized String endpoint() {
        if (server == null) {
            server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("us-east-1").start();
            int port = server.waitUntilStarted().localAddress().getPort();
            endpoint = "http://127.0.0.1:" + port;
        }
        return endpoint;
    }

    public static SqsClient client() {
        return SqsClient.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    /** A fresh queue name, so tests never see each other's messages. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Messages in the queue named {@code name}, visible or in flight (as SQS approximates them). */
    public static long depth(SqsClient sqs, String name) {
        String url = name.startsWith("http") ? name : sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Long.parseLong(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    /** Creates a queue and its DLQ with a redrive policy of {@code maxReceives}; returns the queue URL. */
    public static String createWithDlq(SqsClient sqs, String name, String dlqName, int maxReceives, int visibilitySeconds) {
        String dlqUrl = sqs.createQueue(b -> b.queueName(dlqName)).queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        return sqs.createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(visibilitySeconds),
                QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceives + "\"}"))).queueUrl();
    }
}
