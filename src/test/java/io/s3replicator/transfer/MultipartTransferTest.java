package io.s3replicator.transfer;

import io.s3replicator.cli.ExitCodes;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Multipart transfer through real S3Mock requests: relayed between two endpoints, server-side
 * within one, resumed after a crash, pinned to a source that changes, retried and verified.
 * Parts are 5 MiB (the S3 minimum) so objects of tens of MiB have several parts.
 */
class MultipartTransferTest extends TwoEndpoints {
    static final int MIB = 1024 * 1024;

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    CliRun sync(String from, String to, String destEndpoint, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", destEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0",
                "--multipart-threshold", "5MiB", "--part-size", "5MiB"));
        args.addAll(Arrays.asList(extra));
        if (!args.contains("--copy-threshold")) {
            args.addAll(List.of("--copy-threshold", "5MiB"));
        }
        if (!args.contains("--parts-in-flight")) {
            args.addAll(List.of("--parts-in-flight", "3"));
        }
        return CliRun.of(args.toArray(String[]::new));
    }

    static List<Integer> partNumbers(String bucket, String operation) {
        return FaultInjector.calls(bucket, operation).stream().map(FaultInjector.Call::partNumber).sorted().toList();
    }

    @Test
    void a_large_object_is_relayed_in_parts_between_two_endpoints_with_metadata_and_tags() {
        String a = Buckets.create(src, "mp-relay-src");
        String b = Buckets.create(dst, "mp-relay-dst");
        byte[] content = randomBytes(23 * MIB, 1);
        src.putObject(r -> r.bucket(a).key("videos/big.mp4").contentType("video/mp4").cacheControl("max-age=600")
                        .contentDisposition("inline").metadata(Map.of("camera", "north"))
                        .tagging(Tagging.builder().tagSet(Tag.builder().key("team").value("media").build()).build()),
                RequestBody.fromBytes(content));

        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(1);
        assertThat(Buckets.get(dst, b, "videos/big.mp4")).isEqualTo(content);
        assertThat(partNumbers(b, "UploadPart")).containsExactly(1, 2, 3, 4, 5);
        assertThat(FaultInjector.count(b, "UploadPartCopy")).isZero();
        HeadObjectResponse from = src.headObject(r -> r.bucket(a).key("videos/big.mp4"));
        HeadObjectResponse head = dst.headObject(r -> r.bucket(b).key("videos/big.mp4"));
        assertThat(head.eTag()).endsWith("-5\"");
        assertThat(head.contentType()).isEqualTo(from.contentType());
        assertThat(head.cacheControl()).isEqualTo("max-age=600");
        assertThat(head.contentDisposition()).isEqualTo("inline");
        assertThat(head.metadata()).containsEntry("camera", "north")
                .containsEntry("source-etag", from.eTag().replace("\"", ""));
        assertThat(dst.getObjectTagging(r -> r.bucket(b).key("videos/big.mp4")).tagSet())
                .extracting(Tag::key, Tag::value).containsExactly(org.assertj.core.groups.Tuple.tuple("team", "media"));

        CliRun again = sync("s3://" + a, "s3://" + b, dstEndpoint);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        // Multipart ETags differ from a single-PUT source's: the copy's recorded ETag decides, in the diff.
        assertThat(again.count("copied")).isZero();
        assertThat(again.out()).contains("in step 1");
    }

    /** Server-side, an object up to the copy threshold is one CopyObject: one request, the source's ETag kept. */
    @Test
    void within_one_endpoint_an_object_up_to_the_copy_threshold_is_one_copy_object() {
        String a = Buckets.create(src, "mp-onecopy-src");
        String b = Buckets.create(src, "mp-onecopy-dst");
        byte[] content = randomBytes(12 * MIB, 21);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(content));

        CliRun run = sync("s3://" + a, "s3://" + b, srcEndpoint, "--copy-threshold", "12MiB");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(1);
        assertThat(FaultInjector.count(b, "CopyObject")).isEqualTo(1);
        assertThat(FaultInjector.count(b, "UploadPartCopy")).isZero();
        assertThat(FaultInjector.count(b, "CreateMultipartUpload")).isZero();
        assertThat(Buckets.get(src, b, "big.bin")).isEqualTo(content);
        assertThat(src.headObject(r -> r.bucket(b).key("big.bin")).eTag())
                .isEqualTo(src.headObject(r -> r.bucket(a).key("big.bin")).eTag());
    }

    @Test
    void within_one_endpoint_a_large_object_is_copied_server_side_part_by_part() {
        String a = Buckets.create(src, "mp-local-a");
        String b = Buckets.create(src, "mp-local-b");
        byte[] content = randomBytes(17 * MIB, 2);
        src.putObject(r -> r.bucket(a).key("db.dump").metadata(Map.of("k", "v")), RequestBody.fromBytes(content));

        CliRun run = sync("s3://" + a, "s3://" + b, srcEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(server-side copy)");
        assertThat(Buckets.get(src, b, "db.dump")).isEqualTo(content);
        assertThat(partNumbers(b, "UploadPartCopy")).containsExactly(1, 2, 3, 4);
        assertThat(FaultInjector.count(b, "UploadPart")).isZero();
        assertThat(FaultInjector.count(a, "GetObject")).isZero();
        assertThat(src.headObject(r -> r.bucket(b).key("db.dump")).metadata()).containsEntry("k", "v")
                .containsKey("source-etag");
    }

    @Test
    void a_multipart_source_keeps_its_part_size_so_both_etags_are_equal() {
        String a = Buckets.create(src, "mp-layout-src");
        String b = Buckets.create(dst, "mp-layout-dst");
        byte[] content = randomBytes(20 * MIB, 3);
        // Uploaded in the AWS CLI's 8 MiB parts: 3 parts, while the replicator's own part size is 5 MiB.
        String uploadId = src.createMultipartUpload(r -> r.bucket(a).key("layout.bin")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int from = i * 8 * MIB;
            int to = Math.min(content.length, from + 8 * MIB);
            int number = i + 1;
            String etag = src.uploadPart(r -> r.bucket(a).key("layout.bin").uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(Arrays.copyOfRange(content, from, to))).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        src.completeMultipartUpload(r -> r.bucket(a).key("layout.bin").uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        String sourceEtag = src.headObject(r -> r.bucket(a).key("layout.bin")).eTag();
        assertThat(sourceEtag).endsWith("-3\"");

        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.get(dst, b, "layout.bin")).isEqualTo(content);
        assertThat(dst.headObject(r -> r.bucket(b).key("layout.bin")).eTag()).isEqualTo(sourceEtag);
        assertThat(partNumbers(b, "UploadPart")).containsExactly(1, 2, 3);
    }

    @Test
    void objects_of_exactly_the_threshold_go_in_one_request_and_one_byte_more_in_two_parts() {
        String a = Buckets.create(src, "mp-edge-src");
        String b = Buckets.create(dst, "mp-edge-dst");
        byte[] exact = randomBytes(5 * MIB, 4);
        byte[] plusOne = randomBytes(5 * MIB + 1, 5);
        src.putObject(r -> r.bucket(a).key("exact"), RequestBody.fromBytes(exact));
        src.putObject(r -> r.bucket(a).key("plus-one"), RequestBody.fromBytes(plusOne));

        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(2);
        assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(1);
        assertThat(partNumbers(b, "UploadPart")).containsExactly(1, 2);
        assertThat(Buckets.get(dst, b, "exact")).isEqualTo(exact);
        assertThat(Buckets.get(dst, b, "plus-one")).isEqualTo(plusOne);
    }

    @Test
    void a_crash_after_some_parts_resumes_and_sends_only_the_missing_parts() {
        String a = Buckets.create(src, "mp-crash-src");
        String b = Buckets.create(dst, "mp-crash-dst");
        byte[] content = randomBytes(38 * MIB, 6);
        src.putObject(r -> r.bucket(a).key("resume.bin"), RequestBody.fromBytes(content));
        FaultInjector.crashAfterParts(b, 3);

        CliRun crashed = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(crashed.exitCode()).as(crashed.toString()).isEqualTo(ExitCodes.FAILURES);
        assertThat(crashed.out()).contains("InjectedCrash");
        assertThat(Buckets.keys(dst, b)).isEmpty();
        long partsAtDestination = dst.listMultipartUploads(r -> r.bucket(b)).uploads().stream()
                .mapToLong(u -> dst.listParts(r -> r.bucket(b).key("resume.bin").uploadId(u.uploadId())).parts().size())
                .sum();
        assertThat(partsAtDestination).isEqualTo(3);

        FaultInjector.reset(b);
        CliRun resumed = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
        assertThat(resumed.count("copied")).isEqualTo(1);
        // 8 parts in all: the 3 the first run sent are not sent again.
        assertThat(FaultInjector.count(b, "UploadPart")).isEqualTo(5);
        assertThat(FaultInjector.count(b, "CreateMultipartUpload")).isZero();
        assertThat(Buckets.get(dst, b, "resume.bin")).isEqualTo(content);
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).isEmpty();
    }

    @Test
    void a_source_overwritten_mid_copy_never_yields_a_mixed_object() {
        String a = Buckets.create(src, "mp-change-src");
        String b = Buckets.create(dst, "mp-change-dst");
        byte[] first = randomBytes(22 * MIB, 7);
        byte[] second = randomBytes(22 * MIB, 8);
        src.putObject(r -> r.bucket(a).key("moving.bin"), RequestBody.fromBytes(first));
        FaultInjector.afterFirstPart(b, () ->
                src.putObject(r -> r.bucket(a).key("moving.bin"), RequestBody.fromBytes(second)));

        // One part at a time, so the overwrite lands before part 2 is read: that read must fail.
        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint, "--parts-in-flight", "1");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(1);
        assertThat(Buckets.get(dst, b, "moving.bin")).isEqualTo(second);
        assertThat(dst.headObject(r -> r.bucket(b).key("moving.bin")).metadata().get("source-etag"))
                .isEqualTo(src.headObject(r -> r.bucket(a).key("moving.bin")).eTag().replace("\"", ""));
        assertThat(FaultInjector.count(b, "AbortMultipartUpload")).isEqualTo(1);
        assertThat(FaultInjector.count(b, "CreateMultipartUpload")).isEqualTo(2);
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).isEmpty();
    }

    @Test
    void an_injected_503_on_one_part_is_retried_without_redoing_the_others() {
        String a = Buckets.create(src, "mp-503-src");
        String b = Buckets.create(dst, "mp-503-dst");
        byte[] content = randomBytes(18 * MIB, 9);
        src.putObject(r -> r.bucket(a).key("slow.bin"), RequestBody.fromBytes(content));
        // More 503s than the SDK's own 3 attempts: the part-level retry must take over.
        FaultInjector.slowDown(b, 2, 4);

        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.get(dst, b, "slow.bin")).isEqualTo(content);
        assertThat(partNumbers(b, "UploadPart")).containsExactly(1, 2, 2, 2, 2, 2, 3, 4);
    }

    @Test
    void a_part_corrupted_on_the_way_is_detected_and_sent_again() {
        String a = Buckets.create(src, "mp-corrupt-src");
        String b = Buckets.create(dst, "mp-corrupt-dst");
        byte[] content = randomBytes(16 * MIB, 10);
        src.putObject(r -> r.bucket(a).key("fragile.bin"), RequestBody.fromBytes(content));
        FaultInjector.corrupt(b, 3, 1);

        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.get(dst, b, "fragile.bin")).isEqualTo(content);
        assertThat(partNumbers(b, "UploadPart")).containsExactly(1, 2, 3, 3, 4);
    }

    @Test
    void a_part_corrupted_every_time_fails_the_job_and_leaves_no_object() {
        String a = Buckets.create(src, "mp-bad-src");
        String b = Buckets.create(dst, "mp-bad-dst");
        src.putObject(r -> r.bucket(a).key("doomed.bin"), RequestBody.fromBytes(randomBytes(11 * MIB, 11)));
        FaultInjector.corrupt(b, 1, Integer.MAX_VALUE);

        CliRun run = sync("s3://" + a, "s3://" + b, dstEndpoint);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILURES);
        assertThat(run.out()).contains("FAILED    doomed.bin: part 1 of doomed.bin arrived corrupt");
        assertThat(Buckets.keys(dst, b)).isEmpty();
    }
}
