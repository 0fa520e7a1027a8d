package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integrity checks never delete a good object (issue: never lose user data, item 4): an SSE-KMS
 * source's ETag is not the MD5 of its bytes, so it is not compared with an SSE-S3 copy's.
 */
class IntegrityCheckTest extends TwoEndpoints {
    CliRun sync(String a, String b, String destinationEndpoint) {
        return CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", destinationEndpoint, "--path-style", "--state-dir", state.toString(),
                "--progress", "0");
    }

    void kmsSourceIsCopiedAndKept(software.amazon.awssdk.services.s3.S3Client destination, String destinationEndpoint,
                                  String path) {
        String a = armedBucket(src, "kms-src");
        String b = Buckets.create(destination, "kms-dst");
        StoreBehaviour.kmsEtags(a);
        Buckets.put(src, a, "secret.txt", "encrypted at rest with a KMS key");
        assertThat(src.headObject(h -> h.bucket(a).key("secret.txt")).eTag())
                .as("the fixture reports a KMS ETag, not the MD5 of the bytes")
                .doesNotContain(md5("encrypted at rest with a KMS key"));

        CliRun first = sync(a, b, destinationEndpoint);

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(1);
        assertThat(first.out()).contains("(" + path + ")");
        assertThat(new String(Buckets.get(destination, b, "secret.txt"))).isEqualTo("encrypted at rest with a KMS key");

        CliRun second = sync(a, b, destinationEndpoint);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).as("the copy's marker names the KMS ETag: in step").isZero();
    }

    static String md5(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a_server_side_copy_of_an_sse_kms_source_is_kept_not_deleted_as_corrupt() {
        kmsSourceIsCopiedAndKept(src, srcEndpoint, "server-side copy");
    }

    @Test
    void a_relayed_copy_of_an_sse_kms_source_is_kept_not_deleted_as_corrupt() {
        kmsSourceIsCopiedAndKept(dst, dstEndpoint, "relayed");
    }
}
