package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.RecordedRequests;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Tag;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Same account, two AWS regions (issue 12, item 1): one set of credentials, the source bucket in
 * us-east-1 and the destination in us-west-2. One S3Mock endpoint plays AWS S3 (one service, every
 * region) behind the {@code aws} preset with its endpoint pointed at it, as a VPC endpoint would be;
 * the store-behaviour fixture puts each bucket in its region, so a request signed for the other
 * region gets AWS's 301 PermanentRedirect.
 */
class CrossRegionTest extends TwoEndpoints {
    private final List<String> armed = new ArrayList<>();
    private S3Client virginia;
    private S3Client oregon;

    @BeforeEach
    void clients() {
        virginia = signedFor("us-east-1");
        oregon = signedFor("us-west-2");
    }

    @AfterEach
    void disarm() {
        RecordedRequests.stop();
        armed.forEach(StoreBehaviour::reset);
        virginia.close();
        oregon.close();
    }

    private S3Client signedFor(String region) {
        return S3Client.builder().endpointOverride(URI.create(srcEndpoint)).region(Region.of(region))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private String bucket(String name, String region) {
        String bucket = Buckets.create(src, name);
        armed.add(bucket);
        StoreBehaviour.region(bucket, region);
        StoreBehaviour.taggingCount(bucket);
        return bucket;
    }

    private CliRun sync(String a, String b) {
        return sync(a, b, "us-west-2");
    }

    private CliRun sync(String a, String b, String destinationRegion) {
        return CliRun.of("sync", "s3://" + a, "s3://" + b,
                "--source-provider", "aws", "--source-region", "us-east-1", "--source-endpoint", srcEndpoint,
                "--dest-provider", "aws", "--dest-region", destinationRegion, "--dest-endpoint", srcEndpoint,
                "--path-style", "--multipart-threshold", "5MiB", "--part-size", "5MiB", "--copy-threshold", "5MiB",
                "--state-dir", state.toString(), "--progress", "0");
    }

    /** The bucket of a path-style URL. */
    static String bucketOf(String url) {
        String path = URI.create(url).getRawPath();
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path.substring(1) : path.substring(1, slash);
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void a_same_account_pair_across_two_regions_copies_small_and_multipart_objects_server_side() {
        String a = bucket("us-east-src", "us-east-1");
        String b = bucket("us-west-dst", "us-west-2");
        virginia.putObject(p -> p.bucket(a).key("small.txt").contentType("text/plain").tagging("team=data"),
                RequestBody.fromString("a small object"));
        virginia.putObject(p -> p.bucket(a).key("dir/untagged.json"), RequestBody.fromString("{}"));
        byte[] big = bytes(11 * 1024 * 1024, 7);
        virginia.putObject(p -> p.bucket(a).key("big.bin").tagging("team=media"), RequestBody.fromBytes(big));

        RecordedRequests.start();
        CliRun first = sync(a, b);
        List<RecordedRequests.Sent> sent = RecordedRequests.sent();

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("(server-side copy)");
        assertThat(first.count("copied")).isEqualTo(3);
        assertThat(first.count("failed")).isZero();
        assertThat(new String(Buckets.get(oregon, b, "small.txt"))).isEqualTo("a small object");
        assertThat(Buckets.get(oregon, b, "big.bin")).isEqualTo(big);
        assertThat(oregon.getObjectTagging(t -> t.bucket(b).key("small.txt")).tagSet())
                .containsExactly(Tag.builder().key("team").value("data").build());
        assertThat(oregon.getObjectTagging(t -> t.bucket(b).key("big.bin")).tagSet())
                .containsExactly(Tag.builder().key("team").value("media").build());
        assertThat(sent).as("every request went to its bucket's own region")
                .filteredOn(s -> "S3".equals(s.service()))
                .allSatisfy(s -> assertThat(s.signingRegion()).as(s.operation() + " " + s.url())
                        .isEqualTo(bucketOf(s.url()).equals(a) ? "us-east-1" : "us-west-2"));
        for (String operation : List.of("HeadObject", "GetObjectTagging", "CopyObject", "CreateMultipartUpload",
                "UploadPartCopy", "CompleteMultipartUpload", "ListObjectsV2", "HeadBucket")) {
            assertThat(StoreBehaviour.refused(a, operation) + StoreBehaviour.refused(b, operation))
                    .as("no %s redirected", operation).isZero();
        }
        assertThat(sent).filteredOn(s -> "UploadPartCopy".equals(s.operation())).isNotEmpty();
        assertThat(sent).filteredOn(s -> "PutObject".equals(s.operation())
                || "UploadPart".equals(s.operation())).as("nothing relayed").isEmpty();

        CliRun second = sync(a, b);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).as("in step").isZero();
    }

    @Test
    void a_side_configured_for_another_region_stops_at_start_up_naming_the_bucket_region() {
        String a = bucket("east-src", "us-east-1");
        String b = bucket("west-dst", "us-west-2");
        Buckets.put(virginia, a, "k", "v");

        CliRun run = sync(a, b, "eu-west-1");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("s3-replicator: destination: s3://" + b + "/ at " + srcEndpoint
                + ": the bucket is in region us-west-2 (set the destination region to us-west-2)");
    }
}
