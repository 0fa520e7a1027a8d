package io.s3replicator.testing;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Small helpers over a real S3 endpoint for tests. */
public final class Buckets {
    private Buckets() {
    }

    public static String create(S3Client s3, String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(name));
        return name;
    }

    public static void put(S3Client s3, String bucket, String key, String content) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(content));
    }

    public static List<S3Object> list(S3Client s3, String bucket) {
        List<S3Object> out = new ArrayList<>();
        s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket)
                // Without URL encoding, keys with control characters break the listing XML.
                .encodingType(EncodingType.URL).build()).contents().forEach(out::add);
        return out;
    }

    public static List<String> keys(S3Client s3, String bucket) {
        return list(s3, bucket).stream().map(S3Object::key).toList();
    }

    public static byte[] get(S3Client s3, String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }
}
