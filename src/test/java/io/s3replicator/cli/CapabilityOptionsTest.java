package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A side's capabilities can be set over its preset's, by flag or URI option, and are checked at start-up. */
class CapabilityOptionsTest extends TwoEndpoints {

    @Test
    void a_store_declared_without_tagging_is_never_asked_for_tags() {
        String a = armedBucket(src, "caps-no-tags-src");
        String b = armedBucket(dst, "caps-no-tags-dst");
        Buckets.put(src, a, "a.txt", "a");
        Buckets.put(src, a, "b.txt", "b");

        CliRun run = CliRun.of("sync", "s3://" + a, "s3://" + b + "?tagging=false", "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(2);
        assertThat(FaultInjector.count(a, "GetObjectTagging")).isZero();
    }

    @Test
    void a_flag_overrides_the_uri_and_bad_values_are_one_line_naming_the_flag() {
        BadInputTest.assertOneLineError(CliRun.of("sync", "s3://a-bucket", "s3://b-bucket?multipartEtag=opaque",
                        "--dest-endpoint", dstEndpoint, "--dest-multipart-etag", "sha1", "--state-dir", state.toString()),
                "--dest-multipart-etag: 'sha1' is not an ETag style (md5 or opaque)");
        BadInputTest.assertOneLineError(CliRun.of("sync", "s3://a-bucket?sortedListing=maybe", "s3://b-bucket",
                        "--state-dir", state.toString()),
                "source.sortedListing: 'maybe' is not true or false");
    }

    @Test
    void a_storage_class_for_a_store_without_s3_storage_classes_is_refused_at_start_up() {
        String a = armedBucket(src, "caps-storage-class-src");
        BadInputTest.assertOneLineError(CliRun.of("sync", "s3://" + a, "s3://b-bucket", "--source-endpoint",
                        srcEndpoint, "--dest-provider", "gcs", "--dest-endpoint", dstEndpoint,
                        "--dest-storage-class", "STANDARD_IA", "--state-dir", state.toString()),
                "dest-storage-class: Google Cloud Storage takes no S3 storage class on writes");
    }
}
