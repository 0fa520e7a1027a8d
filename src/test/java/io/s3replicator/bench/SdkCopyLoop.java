package io.s3replicator.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The floor for Java: the plainest correct copy loop on the AWS SDK at a given concurrency.
 * Lists both buckets, skips keys whose size and ETag match, and copies the rest with one
 * streamed GET -> PUT (or CopyObject within one endpoint). No multipart, no state, no checks.
 *
 * <p>Args: sourceEndpoint sourceBucket destEndpoint destBucket concurrency
 */
public final class SdkCopyLoop {
    private SdkCopyLoop() {
    }

    static S3Client client(String endpoint, int connections) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(connections)).build();
    }

    public static void main(String[] args) throws Exception {
        String srcEndpoint = args[0];
        String srcBucket = args[1];
        String dstEndpoint = args[2];
        String dstBucket = args[3];
        int concurrency = Integer.parseInt(args[4]);
        S3Client src = client(srcEndpoint, concurrency * 2);
        S3Client dst = srcEndpoint.equals(dstEndpoint) ? src : client(dstEndpoint, concurrency * 2);
        Map<String, S3Object> existing = new HashMap<>();
        dst.listObjectsV2Paginator(b -> b.bucket(dstBucket)).contents().forEach(o -> existing.put(o.key(), o));
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        List<Future<?>> done = new java.util.ArrayList<>();
        long copied = 0;
        for (S3Object o : src.listObjectsV2Paginator(b -> b.bucket(srcBucket)).contents()) {
            S3Object there = existing.get(o.key());
            if (there != null && there.size().equals(o.size()) && there.eTag().equals(o.eTag())) {
                continue;
            }
            copied++;
            done.add(pool.submit(() -> {
                if (src == dst) {
                    dst.copyObject(b -> b.sourceBucket(srcBucket).sourceKey(o.key())
                            .destinationBucket(dstBucket).destinationKey(o.key()));
                } else {
                    try (ResponseInputStream<GetObjectResponse> in = src.getObject(b -> b.bucket(srcBucket).key(o.key()))) {
                        dst.putObject(b -> b.bucket(dstBucket).key(o.key()),
                                RequestBody.fromInputStream(in, in.response().contentLength()));
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        System.out.println("sdk loop copied " + copied + " objects");
    }
}
