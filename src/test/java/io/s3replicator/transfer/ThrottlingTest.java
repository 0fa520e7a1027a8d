package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throttling (issue 12, item 7): a run through bursts of 503 SlowDown and connection resets finishes with
 * every object copied, and one retry policy bounds the attempts of each request: the SDK's 4 attempts per
 * request, times the job's 4 attempts (1 + s3replicator.transfer.retries) on one machine (README, Failures).
 */
class ThrottlingTest extends TwoEndpoints {
    private static final int MIB = 1024 * 1024;

    private CliRun sync(String a, String b) {
        return CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--multipart-threshold", "5MiB", "--part-size",
                "5MiB", "--state-dir", state.toString(), "--progress", "0");
    }

    private static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void a_sync_through_bursts_of_slow_down_and_connection_resets_copies_every_object() {
        String a = armedBucket(src, "storm-src");
        String b = armedBucket(dst, "storm-dst");
        List<byte[]> small = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            small.add(bytes(64 * 1024, i));
            byte[] body = small.get(i);
            src.putObject(p -> p.bucket(a).key(String.format("small/%02d", small.size() - 1)),
                    RequestBody.fromBytes(body));
        }
        byte[] big = bytes(11 * MIB, 99);
        src.putObject(p -> p.bucket(a).key("big.bin"), RequestBody.fromBytes(big));
        StoreBehaviour.storm(b, 3, 4);
        StoreBehaviour.storm(a, 2, 6);
        StoreBehaviour.resetBodies(a, 4);

        CliRun run = sync(a, b);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(21);
        assertThat(run.count("failed")).isZero();
        for (int i = 0; i < 20; i++) {
            assertThat(Buckets.get(dst, b, String.format("small/%02d", i))).isEqualTo(small.get(i));
        }
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);
        assertThat(StoreBehaviour.refused(b, "PutObject") + StoreBehaviour.refused(b, "UploadPart"))
                .as("the storm happened").isPositive();
        assertThat(StoreBehaviour.refused(a, "GetObject")).as("bodies were cut off").isPositive();
    }

    @Test
    void a_part_that_keeps_being_throttled_is_attempted_4_times_4_and_reported_failed() {
        String a = armedBucket(src, "throttled-src");
        String b = armedBucket(dst, "throttled-dst");
        src.putObject(p -> p.bucket(a).key("big.bin"), RequestBody.fromBytes(bytes(11 * MIB, 7)));
        FaultInjector.slowDown(b, 2, 1_000);

        CliRun run = sync(a, b);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED    big.bin: 503 SlowDown");
        Map<Integer, Long> attempts = FaultInjector.calls(b, "UploadPart").stream()
                .collect(Collectors.groupingBy(FaultInjector.Call::partNumber, Collectors.counting()));
        assertThat(attempts.get(2)).as("SDK attempts x job attempts").isEqualTo(16);
        assertThat(Arrays.asList(attempts.getOrDefault(1, 0L), attempts.getOrDefault(3, 0L)))
                .as("the parts that went through are not sent again by the job's next attempts").containsOnly(1L);
    }
}
