package io.s3replicator.store;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

import java.time.Duration;

/**
 * The one retry policy for S3 requests (README, Failures): every request, on every side, is attempted at
 * most {@value #ATTEMPTS} times by the SDK: on 500, 503 SlowDown, 429, timeouts and connection resets,
 * after an exponential backoff with full jitter, longer for throttling. Nothing above it retries those
 * again; a job that still fails transiently is tried again as a whole (Camel redelivery on one machine,
 * SQS redelivery in distributed mode), and a multipart job then resumes with the parts already uploaded.
 */
public final class RequestRetries {
    /** Attempts per request (the SDK's default for S3, made explicit). */
    public static final int ATTEMPTS = 4;

    private RequestRetries() {
    }

    public static RetryStrategy strategy() {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(ATTEMPTS)
                .backoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(20)))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(Duration.ofMillis(500),
                        Duration.ofSeconds(20)))
                // The token bucket would stop retrying every request of a side after a burst of failures:
                // a storm of SlowDown is exactly when the backoff must go on.
                .circuitBreakerEnabled(false)
                .build();
    }
}
