package io.s3replicator.discover;

import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.PairTest;
import io.s3replicator.decide.ObjectDeleter;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

import java.util.Map;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Markers prove ownership only where they were written (issue: never lose user data, item 1). A
 * user's copy of a replica inherits its markers, as {@code aws s3 cp} and rclone keep metadata:
 * such a copy is an ordinary user object, never deleted as an orphan nor skipped as an echo.
 */
class ReplicaOwnershipTest extends PairTest {
    /** What {@code aws s3 cp s3://B/from s3://B/to} does: a server-side copy keeping the metadata. */
    static void userCopy(S3Client s3, String fromBucket, String from, String toBucket, String to) {
        s3.copyObject(c -> c.sourceBucket(fromBucket).sourceKey(from).destinationBucket(toBucket).destinationKey(to)
                .metadataDirective(MetadataDirective.COPY));
    }

    @Test
    void a_users_copy_of_a_replica_within_the_destination_is_never_deleted_as_an_orphan() throws Exception {
        String a = Buckets.create(src, "own-a");
        String b = Buckets.create(dst, "own-b");
        Buckets.put(src, a, "k", "replicated");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint, "deletes", "true"), Map.of());
        diff("p");
        userCopy(dst, b, "k", b, "users-copy");
        assertThat(dst.headObject(h -> h.bucket(b).key("users-copy")).metadata()).as("the copy inherits the markers")
                .containsKey("source-etag");

        RunStats run = diff("p");

        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("k", "users-copy");
        assertThat(run.deleted.sum()).isZero();
        assertThat(run.skippedByReason()).containsKey(ObjectDeleter.NOT_WRITTEN_BY_PAIR);

        // The pair's own replica still goes when its source does; the user's copy stays.
        nextSecond();
        src.deleteObject(d -> d.bucket(a).key("k"));
        RunStats after = diff("p");
        assertThat(Buckets.keys(dst, b)).containsExactly("users-copy");
        assertThat(after.deleted.sum()).isEqualTo(1);
    }

    @Test
    void a_chain_z_to_a_to_b_leaves_objects_at_b_that_another_pair_with_deletes_never_deletes() throws Exception {
        String z = Buckets.create(src, "chain-z");
        String a = Buckets.create(dst, "chain-a");
        String b = Buckets.create(dst, "chain-b");
        String other = Buckets.create(src, "chain-other");
        Buckets.put(src, z, "from-z", "z's object");
        Buckets.put(src, other, "from-other", "other's object");
        replicator = RunningReplicator.start(state, pair("z-to-a", z, srcEndpoint, a, dstEndpoint)
                + pair("other-to-b", other, srcEndpoint, b, dstEndpoint, "deletes", "true"), Map.of());
        diff("z-to-a");
        // A -> B by another tool that keeps metadata (aws s3 sync, rclone): B/from-z carries A's markers.
        userCopy(dst, a, "from-z", b, "from-z");

        RunStats run = diff("other-to-b");

        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("from-z", "from-other");
        assertThat(new String(Buckets.get(dst, b, "from-z"))).isEqualTo("z's object");
        assertThat(run.deleted.sum()).isZero();
    }

    @Test
    void in_two_way_sync_a_users_copy_of_a_replica_is_copied_to_the_other_side_not_deleted() throws Exception {
        String a = Buckets.create(src, "own2-a");
        String b = Buckets.create(dst, "own2-b");
        Buckets.put(src, a, "k", "written at A");
        replicator = RunningReplicator.start(state,
                pair("a-to-b", a, srcEndpoint, b, dstEndpoint, "twoWay", "true", "deletes", "true")
                + pair("b-to-a", b, dstEndpoint, a, srcEndpoint, "twoWay", "true", "deletes", "true"), Map.of());
        diff("a-to-b");
        assertThat(Buckets.keys(dst, b)).containsExactly("k");
        userCopy(dst, b, "k", b, "users-copy");

        RunStats ba = diff("b-to-a");
        RunStats ab = diff("a-to-b");

        for (var side : Map.of(a, src, b, dst).entrySet()) {
            assertThat(Buckets.keys(side.getValue(), side.getKey())).as(side.getKey())
                    .containsExactlyInAnyOrder("k", "users-copy");
            assertThat(new String(Buckets.get(side.getValue(), side.getKey(), "users-copy"))).isEqualTo("written at A");
        }
        assertThat(ba.copied.sum()).as("the user's copy reaches A").isEqualTo(1);
        assertThat(ab.deleted.sum() + ba.deleted.sum()).isZero();
    }
}
