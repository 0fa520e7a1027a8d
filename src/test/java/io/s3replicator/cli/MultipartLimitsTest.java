package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

/**
 * Large objects stay within S3's bounds (issue 12, item 6): one PutObject or CopyObject takes at most
 * 5 GiB, so a multipart threshold above it would send requests every store refuses.
 */
class MultipartLimitsTest extends TwoEndpoints {

    @Test
    void a_multipart_threshold_above_5_gib_is_one_line_at_start_up() {
        String a = Buckets.create(src, "threshold-src");
        String b = Buckets.create(dst, "threshold-dst");
        BadInputTest.assertOneLineError(CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                        "--dest-endpoint", dstEndpoint, "--path-style", "--multipart-threshold", "6GiB",
                        "--state-dir", state.toString(), "--progress", "0"),
                "6442450944 bytes is above the 5 GiB limit of one PutObject or CopyObject");
    }
}
