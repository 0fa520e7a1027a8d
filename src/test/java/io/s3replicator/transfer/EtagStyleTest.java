package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stores whose ETags are not AWS's (issue 12, item 2): Aliyun OSS reports upper-case hex, and Google
 * Cloud Storage's multipart objects have an ETag that is not the MD5 of the part MD5s. Copies are kept,
 * verified by what is comparable, and in step on the next run without a request per object.
 */
class EtagStyleTest extends TwoEndpoints {
    private static final int MIB = 1024 * 1024;

    private CliRun sync(String a, String b, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "s3://" + a, "s3://" + b,
                "--source-endpoint", srcEndpoint, "--dest-endpoint", dstEndpoint, "--path-style",
                "--multipart-threshold", "5MiB", "--part-size", "5MiB",
                "--state-dir", state.toString(), "--progress", "0", "--json"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** A small object and a multipart one (two 5 MiB parts and a tail), uploaded as a client would. */
    private static void seed(S3Client s3, String bucket, byte[] big) {
        Buckets.put(s3, bucket, "small.txt", "small");
        Buckets.put(s3, bucket, "dir/other.txt", "other");
        String upload = s3.createMultipartUpload(c -> c.bucket(bucket).key("big.bin")).uploadId();
        List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();
        for (int n = 1, off = 0; off < big.length; n++, off += 5 * MIB) {
            int partNumber = n;
            byte[] part = Arrays.copyOfRange(big, off, Math.min(big.length, off + 5 * MIB));
            String etag = s3.uploadPart(u -> u.bucket(bucket).key("big.bin").uploadId(upload).partNumber(partNumber),
                    RequestBody.fromBytes(part)).eTag();
            parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        s3.completeMultipartUpload(c -> c.bucket(bucket).key("big.bin").uploadId(upload)
                .multipartUpload(m -> m.parts(parts)));
    }

    private static String json(CliRun run, String field) {
        var m = java.util.regex.Pattern.compile("\"" + field + "\":(\\{[^}]*\\}|[^,}]*)").matcher(run.out());
        if (!m.find()) {
            throw new AssertionError("no " + field + " in " + run);
        }
        return m.group(1);
    }

    @Test
    void an_oss_source_with_upper_case_etags_is_in_step_on_the_next_sync_without_a_job_per_object() {
        String a = armedBucket(src, "oss-upper-src");
        String b = armedBucket(dst, "oss-upper-dst");
        byte[] big = bytes(11 * MIB, 1);
        seed(src, a, big);
        StoreBehaviour.uppercaseEtags(a);

        CliRun first = sync(a, b, "--source-provider", "oss", "--source-region", "cn-hangzhou");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(json(first, "copied")).isEqualTo("{\"objects\":3,\"bytes\":" + (big.length + 10) + "}");
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);

        FaultInjector.reset(b);
        CliRun second = sync(a, b, "--source-provider", "oss", "--source-region", "cn-hangzhou");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(json(second, "copied")).isEqualTo("{\"objects\":0,\"bytes\":0}");
        assertThat(json(second, "wouldCopy")).as("no job queued: the diff joined them in step")
                .isEqualTo("{\"objects\":0,\"bytes\":0}");
        assertThat(second.out()).contains("\"inStep\":3");
        assertThat(FaultInjector.count(b, "HeadObject")).as("no HEAD per object to find it in step").isZero();
    }

    @Test
    void copies_into_an_oss_destination_with_upper_case_etags_are_verified_and_in_step_next_time() {
        String a = armedBucket(src, "to-oss-src");
        String b = armedBucket(dst, "to-oss-dst");
        byte[] big = bytes(11 * MIB, 2);
        seed(src, a, big);
        StoreBehaviour.uppercaseEtags(b);

        CliRun first = sync(a, b, "--dest-provider", "oss", "--dest-region", "cn-hangzhou");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(json(first, "copied")).isEqualTo("{\"objects\":3,\"bytes\":" + (big.length + 10) + "}");
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);

        FaultInjector.reset(b);
        CliRun second = sync(a, b, "--dest-provider", "oss", "--dest-region", "cn-hangzhou");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(json(second, "copied")).isEqualTo("{\"objects\":0,\"bytes\":0}");
        assertThat(second.out()).contains("\"inStep\":3");
        assertThat(FaultInjector.count(b, "HeadObject")).as("no HEAD per object to find it in step").isZero();
    }

    @Test
    void a_multipart_copy_into_gcs_is_kept_and_verified_by_size_and_part_checksums() {
        String a = armedBucket(src, "to-gcs-src");
        String b = armedBucket(dst, "to-gcs-dst");
        byte[] big = bytes(11 * MIB, 3);
        seed(src, a, big);
        StoreBehaviour.gcsMultipartEtags(b);

        CliRun first = sync(a, b, "--dest-provider", "gcs");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(json(first, "copied")).isEqualTo("{\"objects\":3,\"bytes\":" + (big.length + 10) + "}");
        assertThat(Buckets.get(dst, b, "big.bin")).as("the copy is kept").isEqualTo(big);

        CliRun second = sync(a, b, "--dest-provider", "gcs");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(json(second, "copied")).isEqualTo("{\"objects\":0,\"bytes\":0}");
    }

    @Test
    void a_custom_store_declared_with_opaque_multipart_etags_keeps_its_multipart_copies_too() {
        String a = armedBucket(src, "to-opaque-src");
        String b = armedBucket(dst, "to-opaque-dst");
        byte[] big = bytes(11 * MIB, 4);
        seed(src, a, big);
        StoreBehaviour.gcsMultipartEtags(b);

        CliRun run = sync(a, b + "?multipartEtag=opaque");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);
    }

    @Test
    void a_gcs_multipart_source_is_copied_once_and_in_step_after() {
        String a = armedBucket(src, "from-gcs-src");
        String b = armedBucket(dst, "from-gcs-dst");
        byte[] big = bytes(11 * MIB, 5);
        StoreBehaviour.gcsMultipartEtags(a);
        seed(src, a, big);

        CliRun first = sync(a, b, "--source-provider", "gcs");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(json(first, "copied")).isEqualTo("{\"objects\":3,\"bytes\":" + (big.length + 10) + "}");
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);

        CliRun second = sync(a, b, "--source-provider", "gcs");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(json(second, "copied")).isEqualTo("{\"objects\":0,\"bytes\":0}");
    }
}
