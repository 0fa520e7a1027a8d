package io.s3replicator.transfer;

import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.PairTest;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.StoreBehaviour;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.util.Map;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One key, two versions, two jobs that do not see each other (two workers, or an old event and a
 * diff): the copy of the older version lands while the newer one is being written. The newer job's
 * conditional final write is refused (412); the destination must still end at the newest version,
 * not at the older copy that happened to land first (issue: never lose user data, item 3).
 */
class OlderCopyLandsFirstTest extends PairTest {
    String bucket(software.amazon.awssdk.services.s3.S3Client s3, String name) {
        String bucket = armedBucket(s3, name);
        StoreBehaviour.conditionalWrites(bucket);
        return bucket;
    }

    /** This pair's copy of the current source version, as another job would write it: bytes and markers. */
    ResponseBytes<GetObjectResponse> olderCopy(String a, String b, String key, byte[] v1, Map<String, String> settings)
            throws Exception {
        src.putObject(p -> p.bucket(a).key(key), RequestBody.fromBytes(v1));
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint), settings);
        assertThat(diff("p").copied.sum()).isEqualTo(1);
        ResponseBytes<GetObjectResponse> copy = dst.getObjectAsBytes(g -> g.bucket(b).key(key));
        dst.deleteObject(d -> d.bucket(b).key(key));
        return copy;
    }

    void landsNow(String b, String key, ResponseBytes<GetObjectResponse> copy) {
        dst.putObject(p -> p.bucket(b).key(key).metadata(copy.response().metadata()),
                RequestBody.fromBytes(copy.asByteArray()));
    }

    @Test
    void a_single_request_copy_refused_because_an_older_copy_landed_writes_over_that_copy() throws Exception {
        String a = bucket(src, "older-a");
        String b = bucket(dst, "older-b");
        var older = olderCopy(a, b, "k", "version 1".getBytes(), Map.of());
        src.putObject(p -> p.bucket(a).key("k"), RequestBody.fromString("version 2, the newest"));
        FaultInjector.beforeNextPut(b, () -> landsNow(b, "k", older));

        RunStats run = diff("p");

        assertThat(new String(Buckets.get(dst, b, "k"))).isEqualTo("version 2, the newest");
        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(run.failed.sum()).isZero();
    }

    @Test
    void a_multipart_copy_refused_because_an_older_copy_landed_completes_over_that_copy() throws Exception {
        String a = bucket(src, "older-mp-a");
        String b = bucket(dst, "older-mp-b");
        var older = olderCopy(a, b, "big", "version 1".getBytes(), ConditionalWriteTest.SMALL_PARTS);
        byte[] v2 = ConditionalWriteTest.bytes(12 * 1024 * 1024, 3);
        src.putObject(p -> p.bucket(a).key("big"), RequestBody.fromBytes(v2));
        FaultInjector.afterFirstPart(b, () -> landsNow(b, "big", older));

        RunStats run = diff("p");

        assertThat(java.util.Arrays.equals(Buckets.get(dst, b, "big"), v2)).as("the newest version's bytes").isTrue();
        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(run.failed.sum()).isZero();
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).isEmpty();
    }
}
