package io.s3replicator.transfer;

import io.s3replicator.model.ConfigException;
import io.s3replicator.model.PoisonMessageException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The failure classes (README, "Many workers", Failures): a transient failure is worth another attempt
 * through the queue; anything else ends the job now and, in distributed mode, goes to the DLQ.
 */
public final class Failures {
    private Failures() {
    }

    /** 5xx, throttling, timeouts, resets, a source that changed mid-copy, a state store hiccup. */
    public static boolean isTransient(Throwable e) {
        if (e instanceof PoisonMessageException || e instanceof ConfigException || e instanceof TransferException) {
            return false;
        }
        if (e instanceof AwsServiceException s) {
            int status = s.statusCode();
            // 412: the source changed under an If-Match; 409: a conflicting operation in progress.
            return status >= 500 || status == 429 || status == 408 || status == 412 || status == 409 || s.isThrottlingException();
        }
        // I/O, timeouts and resets (SdkClientException), and anything unknown: another attempt is
        // cheap, and the DLQ after max-receives bounds it.
        return true;
    }
}
