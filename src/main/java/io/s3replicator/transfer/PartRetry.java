package io.s3replicator.transfer;

import io.s3replicator.storage.S3Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries one part on transient failures (500, 503 SlowDown, 429, resets, a part the store
 * received corrupt) with exponential backoff and full jitter, so one bad part never makes the
 * other parts go again. This sits above the SDK's own few quick retries.
 */
public final class PartRetry {
    private static final Logger LOG = LoggerFactory.getLogger(PartRetry.class);

    private final int maxAttempts;
    private final long baseMillis;
    private final long capMillis;

    public PartRetry(int maxAttempts, long baseMillis, long capMillis) {
        this.maxAttempts = maxAttempts;
        this.baseMillis = baseMillis;
        this.capMillis = capMillis;
    }

    public <T> T call(String what, Supplier<T> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (RuntimeException e) {
                if (attempt >= maxAttempts || !retryable(e)) {
                    throw e;
                }
                long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt - 1, 20));
                long sleep = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
                LOG.info("{} failed (attempt {} of {}): {}; retrying in {} ms", what, attempt, maxAttempts,
                        S3Errors.describe(e), sleep);
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    static boolean retryable(Throwable e) {
        if (e instanceof S3Exception s) {
            return s.statusCode() >= 500 || s.statusCode() == 429 || "BadDigest".equals(S3Errors.errorCode(s))
                    || "RequestTimeout".equals(S3Errors.errorCode(s));
        }
        return e instanceof SdkClientException || e instanceof UncheckedIOException || e instanceof CorruptPartException;
    }

    /** The store holds different bytes for a part than we sent (its ETag is not our MD5). */
    public static class CorruptPartException extends TransferException {
        public CorruptPartException(String message) {
            super(message);
        }
    }
}
