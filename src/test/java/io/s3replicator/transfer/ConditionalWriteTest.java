package io.s3replicator.transfer;

import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.PairTest;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.Map;
import java.util.Random;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No write goes backwards over a newer object (issue: never lose user data, item 2): the final
 * write of a copy is conditional on what the destination held at the plan, so a user's write that
 * lands while the copy runs survives, and the job ends skipped, never failed.
 */
class ConditionalWriteTest extends PairTest {
    /** 5 MiB parts above 5 MiB: multipart copies of a few parts. */
    static final Map<String, String> SMALL_PARTS = Map.of(
            "s3replicator.transfer.multipart-threshold", String.valueOf(5 * 1024 * 1024),
            "s3replicator.transfer.part-size", String.valueOf(5 * 1024 * 1024));

    String bucket(software.amazon.awssdk.services.s3.S3Client s3, String name) {
        String bucket = armedBucket(s3, name);
        StoreBehaviour.conditionalWrites(bucket);
        return bucket;
    }

    static byte[] bytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    void userWrites(String bucket, String key, String body) {
        dst.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    @Test
    void a_write_at_the_destination_during_a_multipart_relay_survives_in_a_one_way_pair() throws Exception {
        String a = bucket(src, "cw-a");
        String b = bucket(dst, "cw-b");
        src.putObject(p -> p.bucket(a).key("big"), RequestBody.fromBytes(bytes(12 * 1024 * 1024, 1)));
        FaultInjector.afterFirstPart(b, () -> userWrites(b, "big", "the user's newer write"));
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint), SMALL_PARTS);

        RunStats run = diff("p");

        assertThat(new String(Buckets.get(dst, b, "big"))).isEqualTo("the user's newer write");
        assertThat(run.failed.sum()).as("a refused write is not a failure").isZero();
        assertThat(run.copied.sum()).isZero();
        assertThat(run.skippedByReason()).containsKey(TransferOutcome.DESTINATION_CHANGED);
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).as("the upload is aborted").isEmpty();
    }

    @Test
    void a_write_at_the_destination_during_a_multipart_relay_survives_in_a_two_way_pair_and_wins_both_sides()
            throws Exception {
        String a = bucket(src, "cw2-a");
        String b = bucket(dst, "cw2-b");
        src.putObject(p -> p.bucket(a).key("big"), RequestBody.fromBytes(bytes(12 * 1024 * 1024, 2)));
        Thread.sleep(1100); // the user's write is a second later: last-modified has whole seconds
        FaultInjector.afterFirstPart(b, () -> userWrites(b, "big", "the user's newer write at B"));
        replicator = RunningReplicator.start(state, pair("a-to-b", a, srcEndpoint, b, dstEndpoint, "twoWay", "true")
                + pair("b-to-a", b, dstEndpoint, a, srcEndpoint, "twoWay", "true"), SMALL_PARTS);

        RunStats ab = diff("a-to-b");
        assertThat(new String(Buckets.get(dst, b, "big"))).isEqualTo("the user's newer write at B");
        assertThat(ab.failed.sum()).isZero();
        assertThat(ab.skippedByReason()).containsKey(TransferOutcome.DESTINATION_CHANGED);

        diff("b-to-a");
        assertThat(new String(Buckets.get(src, a, "big"))).as("the newest write wins on both sides")
                .isEqualTo("the user's newer write at B");
    }

    @Test
    void a_write_between_the_plan_and_a_single_request_copy_survives_when_replacing_and_when_absent()
            throws Exception {
        String a = bucket(src, "cw3-a");
        String b = bucket(dst, "cw3-b");
        Buckets.put(src, a, "was-absent", "source version");
        Buckets.put(src, a, "was-older", "source version, newer than the old copy");
        userWrites(b, "was-older", "an old copy");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint, "include", "was-absent"),
                Map.of());
        FaultInjector.beforeNextPut(b, () -> userWrites(b, "was-absent", "the user's write"));
        RunStats first = diff("p");
        assertThat(new String(Buckets.get(dst, b, "was-absent"))).isEqualTo("the user's write");
        assertThat(first.skippedByReason()).containsKey(TransferOutcome.DESTINATION_CHANGED);
        replicator.close();

        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint, "include", "was-older"),
                Map.of());
        FaultInjector.beforeNextPut(b, () -> userWrites(b, "was-older", "the user's newest write"));
        RunStats second = diff("p");
        assertThat(new String(Buckets.get(dst, b, "was-older"))).isEqualTo("the user's newest write");
        assertThat(second.skippedByReason()).containsKey(TransferOutcome.DESTINATION_CHANGED);
        assertThat(first.failed.sum() + second.failed.sum()).isZero();
    }
}
