package io.s3replicator.queue;

import io.s3replicator.model.ConfigException;
import io.s3replicator.config.S3Uri;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.batchmanager.SqsAsyncBatchManager;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SQS client and the two queues (jobs and DLQ), resolved once at start: a missing queue is
 * a start-up error naming the property, unless {@code create-queues} allows creating it with a
 * redrive policy to the DLQ.
 */
public final class SqsQueues implements AutoCloseable {
    private static final Pattern MAX_RECEIVE = Pattern.compile("\"maxReceiveCount\"\\s*:\\s*\"?(\\d+)");

    private final SqsClient client;
    private final SqsAsyncClient asyncClient;
    private final SqsAsyncBatchManager batches;
    private final SqsSettings settings;
    private final String queueUrl;
    private final String deadLetterUrl;
    private final int maxReceives;
    private final boolean redrivePolicy;
    private final Duration retention;

    public SqsQueues(SqsSettings settings, int connections) {
        this.settings = settings;
        this.client = client(settings.endpoint(), settings.region(), connections, settings.waitSeconds());
        try {
            this.deadLetterUrl = resolve(settings.deadLetterQueue(), "s3replicator.sqs.dlq", Map.of());
            this.queueUrl = resolve(settings.queue(), "s3replicator.sqs.queue", Map.of(
                    QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(settings.visibilitySeconds()),
                    QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + arn(deadLetterUrl)
                            + "\",\"maxReceiveCount\":\"" + settings.maxReceives() + "\"}"));
            Map<QueueAttributeName, String> attributes = client.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.REDRIVE_POLICY, QueueAttributeName.MESSAGE_RETENTION_PERIOD))
                    .attributes();
            String policy = attributes.get(QueueAttributeName.REDRIVE_POLICY);
            String retained = attributes.get(QueueAttributeName.MESSAGE_RETENTION_PERIOD);
            // SQS keeps a message 4 days unless the queue says otherwise.
            this.retention = Duration.ofSeconds(retained == null ? 345_600 : Long.parseLong(retained));
            Matcher m = policy == null ? null : MAX_RECEIVE.matcher(policy);
            this.redrivePolicy = m != null && m.find();
            // The queue's own policy is the truth: we move a job aside one receive before SQS would,
            // so that the DLQ copy carries its reason.
            this.maxReceives = redrivePolicy ? Integer.parseInt(m.group(1)) : settings.maxReceives();
        } catch (SdkException e) {
            client.close();
            throw new ConfigException("s3replicator.sqs.endpoint", "cannot use SQS at " + where() + ": " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        // Deletes of finished jobs go out ten at a time (DeleteMessageBatch), gathered by the SDK's
        // batch manager for up to a second: a message whose delete is lost in a crash comes back and
        // is skipped as in step, so the delay costs nothing but the wait.
        this.asyncClient = asyncClient(settings.endpoint(), settings.region());
        this.batches = SqsAsyncBatchManager.builder().client(asyncClient)
                .scheduledExecutor(Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "sqs-batches");
                    t.setDaemon(true);
                    return t;
                }))
                .overrideConfiguration(o -> o.maxBatchSize(10).sendRequestFrequency(Duration.ofSeconds(1)))
                .build();
    }

    private static SqsAsyncClient asyncClient(String endpoint, String region) {
        return located(SqsAsyncClient.builder(), endpoint, region).build();
    }

    /**
     * Endpoint override (checked: a bad one names {@code s3replicator.sqs.endpoint}) and region
     * (us-east-1 with an endpoint and no region, as emulators expect), for either client.
     */
    private static <B extends AwsClientBuilder<B, ?>> B located(B builder, String endpoint, String region) {
        boolean hasEndpoint = endpoint != null && !endpoint.isBlank();
        if (hasEndpoint) {
            builder.endpointOverride(S3Uri.endpointUrl("s3replicator.sqs.endpoint", endpoint.strip()));
        }
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region.strip()));
        } else if (hasEndpoint) {
            builder.region(Region.US_EAST_1);
        }
        return builder;
    }

    /** Sends, deletes and visibility changes gathered into batch requests. */
    public SqsAsyncBatchManager batches() {
        return batches;
    }

    /**
     * The one way this application builds an SQS client: endpoint override (checked, a bad one
     * names {@code s3replicator.sqs.endpoint}), region (us-east-1 with an endpoint and no region,
     * as emulators expect), default credentials, and a socket timeout above the long-poll wait.
     */
    public static SqsClient client(String endpoint, String region, int connections, int waitSeconds) {
        SqsClientBuilder builder = SqsClient.builder()
                // Long polls hold a connection each for up to wait-seconds: room for all of them.
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections)
                        .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(waitSeconds + 15)));
        return located(builder, endpoint, region).build();
    }

    private String resolve(String nameOrUrl, String property, Map<QueueAttributeName, String> createAttributes) {
        if (nameOrUrl.startsWith("https://") || nameOrUrl.startsWith("http://")) {
            String url = nameOrUrl;
            try {
                client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN));
                return url;
            } catch (QueueDoesNotExistException e) {
                throw missing(property, url);
            }
        }
        try {
            return client.getQueueUrl(b -> b.queueName(nameOrUrl)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            if (!settings.createQueues()) {
                throw missing(property, nameOrUrl);
            }
            return client.createQueue(b -> b.queueName(nameOrUrl).attributes(createAttributes)).queueUrl();
        }
    }

    private ConfigException missing(String property, String queue) {
        return new ConfigException(property, "queue '" + queue + "' does not exist at " + where()
                + " (create it, or set s3replicator.sqs.create-queues=true)");
    }

    private String arn(String url) {
        return client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private String where() {
        return settings.endpoint().isBlank() ? "AWS" + (settings.region().isBlank() ? "" : " " + settings.region())
                : settings.endpoint();
    }

    public SqsClient client() {
        return client;
    }

    public SqsSettings settings() {
        return settings;
    }

    public String queueUrl() {
        return queueUrl;
    }

    public String deadLetterUrl() {
        return deadLetterUrl;
    }

    /** Receives after which a failing job goes to the DLQ. */
    /** How long the job queue keeps a message (its MessageRetentionPeriod). */
    public Duration retention() {
        return retention;
    }

    public int maxReceives() {
        return maxReceives;
    }

    /** False when the job queue has no redrive policy: a crashing job would then come back forever. */
    public boolean hasRedrivePolicy() {
        return redrivePolicy;
    }

    /** The last path segment of a queue URL is its name. */
    public static String nameOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        batches.close();
        asyncClient.close();
        client.close();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
