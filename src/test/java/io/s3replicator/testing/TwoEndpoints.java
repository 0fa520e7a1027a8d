package io.s3replicator.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of tests that sync between the two shared S3Mock instances (two accounts): their
 * endpoints, a client for each, and a fresh state directory per test.
 */
public abstract class TwoEndpoints {
    protected static S3Client src;
    protected static S3Client dst;
    protected static String srcEndpoint;
    protected static String dstEndpoint;

    @TempDir
    protected Path state;

    private final List<String> armed = new ArrayList<>();

    /** A new bucket whose fixture behaviours ({@link StoreBehaviour}, {@link FaultInjector}) end with the test. */
    protected String armedBucket(S3Client s3, String prefix) {
        String bucket = Buckets.create(s3, prefix);
        armed.add(bucket);
        return bucket;
    }

    @AfterEach
    void disarmBuckets() {
        armed.forEach(b -> {
            StoreBehaviour.reset(b);
            FaultInjector.reset(b);
        });
        armed.clear();
    }

    @BeforeAll
    static void servers() {
        srcEndpoint = S3MockServers.sourceEndpoint();
        dstEndpoint = S3MockServers.destinationEndpoint();
        src = S3MockServers.client(srcEndpoint);
        dst = S3MockServers.client(dstEndpoint);
    }
}
