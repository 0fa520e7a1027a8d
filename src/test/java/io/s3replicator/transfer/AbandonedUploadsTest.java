package io.s3replicator.transfer;

import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.PairTest;
import io.s3replicator.testing.RunningReplicator;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import java.util.Map;
import java.util.Random;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No billable leftovers (issue: never lose user data, item 7): a multipart upload the replicator
 * started and no job will finish is aborted after a diff; an upload it cannot prove its own is
 * never touched.
 */
class AbandonedUploadsTest extends PairTest {

    @Test
    void an_upload_left_by_a_failed_copy_is_aborted_after_the_next_diff_and_a_users_upload_is_kept() throws Exception {
        String a = Buckets.create(src, "abandon-a");
        String b = Buckets.create(dst, "abandon-b");
        byte[] body = new byte[12 * 1024 * 1024];
        new Random(5).nextBytes(body);
        src.putObject(p -> p.bucket(a).key("big"), RequestBody.fromBytes(body));
        String users = dst.createMultipartUpload(c -> c.bucket(b).key("users-upload")).uploadId();
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint), Map.of(
                "s3replicator.transfer.multipart-threshold", String.valueOf(5 * 1024 * 1024),
                "s3replicator.transfer.part-size", String.valueOf(5 * 1024 * 1024),
                "s3replicator.transfer.parts-in-flight", "1",
                "s3replicator.transfer.retries", "0",
                "s3replicator.transfer.abandoned-upload-age", "0"));
        // The second part is refused for good (a 400): the job fails and leaves its upload behind.
        FaultInjector.crashAfterParts(b, 1);
        try {
            RunStats first = diff("p");
            assertThat(first.failed.sum()).isEqualTo(1);
        } finally {
            FaultInjector.reset(b);
        }
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).extracting(MultipartUpload::key)
                .containsExactlyInAnyOrder("big", "users-upload");
        // The source is deleted since: no job will ever come back to finish the upload.
        src.deleteObject(d -> d.bucket(a).key("big"));

        diff("p");

        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).extracting(MultipartUpload::uploadId)
                .containsExactly(users);
    }
}
