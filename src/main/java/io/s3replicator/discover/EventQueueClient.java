package io.s3replicator.discover;

import io.s3replicator.config.S3Uri;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Duration;

/**
 * The SQS client event routes read with, from {@code s3replicator.sqs.endpoint} /
 * {@code s3replicator.sqs.region}, credentials from the default chain. Used only when no
 * {@code sqsClient} bean is bound (the distributed job queue binds one).
 */
public final class EventQueueClient {
    private EventQueueClient() {
    }

    public static SqsClient create(String endpoint, String region) {
        var builder = SqsClient.builder()
                // Long polls of up to 20 s must not time out on the socket.
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(30)));
        if (region != null && !region.isBlank()) {
            builder.region(Region.of(region.strip()));
        }
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(S3Uri.endpointUrl("s3replicator.sqs.endpoint", endpoint.strip()));
            if (region == null || region.isBlank()) {
                builder.region(Region.US_EAST_1);
            }
        }
        return builder.build();
    }
}
