package io.s3replicator.transfer;

import io.s3replicator.store.S3Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.UncheckedIOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Retries one part on what the per-request policy ({@link io.s3replicator.store.RequestRetries}) cannot
 * see: a part the store received corrupt (its ETag is not the MD5 we sent, or 400 BadDigest) and a source
 * body that broke off while being read. Statuses and resets of the requests themselves were already
 * retried by the SDK and are not retried again here (the attempts would multiply); the job's own retry
 * takes over, and resumes with the parts already uploaded.
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
            return "BadDigest".equals(S3Errors.errorCode(s));
        }
        return e instanceof UncheckedIOException || e instanceof CorruptPartException;
    }

    /** The store holds different bytes for a part than we sent (its ETag is not our MD5). */
    public static class CorruptPartException extends TransferException {
        public CorruptPartException(String message) {
            super(message);
        }
    }
}
