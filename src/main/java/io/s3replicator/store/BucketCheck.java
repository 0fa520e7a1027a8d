package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Start-up check that a side's bucket exists and its credentials work, so a typo or a wrong
 * key fails in one line before any work starts rather than once per object.
 */
public final class BucketCheck {
    private BucketCheck() {
    }

    public static void check(String side, S3Location location, S3Client s3) {
        try {
            s3.headBucket(b -> b.bucket(location.bucket()));
        } catch (SdkException e) {
            throw new ConfigException(side, S3Errors.describe(side, location, e).replaceFirst("^" + side + " ", ""), e);
        }
    }
}
