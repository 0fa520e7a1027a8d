package io.s3replicator.testing;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;

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

    @BeforeAll
    static void servers() {
        srcEndpoint = S3MockServers.sourceEndpoint();
        dstEndpoint = S3MockServers.destinationEndpoint();
        src = S3MockServers.client(srcEndpoint);
        dst = S3MockServers.client(dstEndpoint);
    }
}
