package io.s3replicator.discover;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A multipart copy of a single-part source has another ETag than its source ("md5-3" for an
 * MD5). The re-sync of such copies is decided from the listing and the copy's recorded ETag:
 * no job and no HEAD per object. A write at the destination changes the ETag, so the record no
 * longer matches and the object is compared (and copied) as before.
 */
class CopiedEtagResyncTest extends TwoEndpoints {
    private static final int SIZE = 12 * 1024 * 1024;

    private static byte[] bytes(long seed) {
        byte[] b = new byte[SIZE];
        new Random(seed).nextBytes(b);
        return b;
    }

    private CliRun sync(String a, String aEndpoint, String b, String bEndpoint) {
        return CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", aEndpoint, "--dest-endpoint", bEndpoint,
                "--path-style", "--multipart-threshold", "5MiB", "--part-size", "5MiB",
                "--state-dir", state.toString(), "--progress", "0");
    }

    private void resyncWithoutRequests(String a, String aEndpoint, String b, String bEndpoint,
                                       software.amazon.awssdk.services.s3.S3Client destination) {
        src.putObject(p -> p.bucket(a).key("big.bin"), RequestBody.fromBytes(bytes(1)));
        Buckets.put(src, a, "small.txt", "small");

        CliRun first = sync(a, aEndpoint, b, bEndpoint);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(2);
        String copyEtag = destination.headObject(h -> h.bucket(b).key("big.bin")).eTag();
        assertThat(copyEtag).as("a multipart copy").contains("-3");

        long heads = FaultInjector.count(b, "HeadObject");
        CliRun second = sync(a, aEndpoint, b, bEndpoint);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).isZero();
        assertThat(second.out()).contains("in step 2");
        assertThat(FaultInjector.count(b, "HeadObject") - heads).as("HEADs of the destination in the re-sync")
                .isZero();

        // Someone rewrites the copy with other bytes of the same size: compared, and copied again.
        destination.putObject(p -> p.bucket(b).key("big.bin"), RequestBody.fromBytes(bytes(2)));
        CliRun third = sync(a, aEndpoint, b, bEndpoint);
        assertThat(third.exitCode()).as(third.toString()).isZero();
        assertThat(third.count("copied")).isEqualTo(1);
        assertThat(Arrays.equals(Buckets.get(destination, b, "big.bin"), bytes(1))).isTrue();
    }

    /** Relayed; server-side copies record their ETag on the same path (the transfer route's outcome). */
    @Test
    void a_relayed_multipart_copy_is_in_step_on_the_next_sync_without_a_head() {
        resyncWithoutRequests(armedBucket(src, "mp-relay-src"), srcEndpoint, armedBucket(dst, "mp-relay-dst"),
                dstEndpoint, dst);
    }
}
