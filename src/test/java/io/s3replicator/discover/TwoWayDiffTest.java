package io.s3replicator.discover;

import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.PairTest;
import io.s3replicator.store.S3Location;
import io.s3replicator.transfer.ReplicaMarkers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/** The diff's part in two-way sync, deletes, versions and the ignore list. */
class TwoWayDiffTest extends PairTest {
    String text(software.amazon.awssdk.services.s3.S3Client s3, String bucket, String key) {
        return new String(Buckets.get(s3, bucket, key));
    }

    void put(software.amazon.awssdk.services.s3.S3Client s3, String bucket, String key, String body,
             Map<String, String> metadata) {
        s3.putObject(p -> p.bucket(bucket).key(key).metadata(metadata), RequestBody.fromString(body));
    }

    @Test
    void both_diffs_of_a_two_way_pair_converge_on_the_latest_write_and_never_copy_an_older_one_over_it()
            throws Exception {
        String a = Buckets.create(src, "twd-a");
        String b = Buckets.create(dst, "twd-b");
        Buckets.put(src, a, "k", "older, written at A");
        Buckets.put(src, a, "only-a", "a");
        Buckets.put(dst, b, "only-b", "b");
        // Same original write time on both sides (a tie): the larger ETag wins, on both sides alike.
        String t = "2026-01-01T00:00:00Z";
        put(src, a, "tie", "tie written at A", Map.of("source-mtime", t));
        put(dst, b, "tie", "tie written at B", Map.of("source-mtime", t));
        Thread.sleep(1100);
        Buckets.put(dst, b, "k", "newer, written at B");
        replicator = RunningReplicator.start(state, pair("a-to-b", a, srcEndpoint, b, dstEndpoint, "twoWay", "true")
                + pair("b-to-a", b, dstEndpoint, a, srcEndpoint, "twoWay", "true"), Map.of());

        RunStats ab = diff("a-to-b");
        assertThat(text(dst, b, "k")).as("not copied backwards over the newer write").isEqualTo("newer, written at B");
        RunStats ba = diff("b-to-a");

        String tieWinner = src.headObject(h -> h.bucket(a).key("tie")).eTag()
                .compareTo(dst.headObject(h -> h.bucket(b).key("tie")).eTag()) > 0 ? "tie written at A" : "tie written at B";
        for (var side : Map.of(a, src, b, dst).entrySet()) {
            assertThat(Buckets.keys(side.getValue(), side.getKey())).containsExactlyInAnyOrder("k", "only-a", "only-b", "tie");
            assertThat(text(side.getValue(), side.getKey(), "k")).isEqualTo("newer, written at B");
            assertThat(text(side.getValue(), side.getKey(), "tie")).isEqualTo(tieWinner);
        }
        assertThat(ab.copied.sum() + ba.copied.sum()).as("k once, only-a, only-b, tie once").isEqualTo(4);
        assertThat(ab.skippedByReason().keySet()).anyMatch(r -> r.contains("destination is newer"));

        // Once converged, diffs in both directions find nothing to move.
        RunStats again1 = diff("a-to-b");
        RunStats again2 = diff("b-to-a");
        assertThat(again1.copied.sum() + again2.copied.sum()).isZero();
    }

    @Test
    void a_copy_that_carries_the_marker_of_the_other_sides_object_is_never_copied_back() throws Exception {
        String a = Buckets.create(src, "twm-a");
        String b = Buckets.create(dst, "twm-b");
        Buckets.put(src, a, "k", "original at A");
        String etagA = src.headObject(h -> h.bucket(a).key("k")).eTag().replace("\"", "");
        // The replicator's copy at B: another ETag (as a single-request copy of a multipart original has),
        // its marker names A's ETag, and its recorded time is later than A's own last-modified.
        String writtenByAToB = ReplicaMarkers.location(ReplicaMarkers.pairTag(new S3Location(a, "", null),
                new S3Location(b, "", null)), b, "k");
        put(dst, b, "k", "copy at B, other ETag", Map.of("source-etag", etagA,
                "source-mtime", Instant.now().plusSeconds(3600).toString(), "replica-location", writtenByAToB));
        replicator = RunningReplicator.start(state, pair("b-to-a", b, dstEndpoint, a, srcEndpoint, "twoWay", "true"),
                Map.of());

        RunStats run = diff("b-to-a");

        assertThat(text(src, a, "k")).isEqualTo("original at A");
        assertThat(run.copied.sum()).isZero();
        assertThat(replicator.count(ReplicatorMetrics.LOOP_GUARD, "pair", "b-to-a", "layer", "marker")).isEqualTo(1);
    }

    @Test
    void with_deletes_on_the_diff_removes_copies_whose_source_is_gone_and_nothing_else() throws Exception {
        String a = Buckets.create(src, "dd-a");
        String b = Buckets.create(dst, "dd-b");
        Buckets.put(src, a, "k1", "1");
        Buckets.put(src, a, "k2", "2");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint, "deletes", "true"), Map.of());
        diff("p");
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("k1", "k2");
        nextSecond();
        src.deleteObject(d -> d.bucket(a).key("k1"));
        Buckets.put(dst, b, "foreign", "not written by the replicator");

        RunStats run = diff("p");

        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("k2", "foreign");
        assertThat(run.deleted.sum()).isEqualTo(1);
        assertThat(run.skippedByReason()).containsKey(io.s3replicator.decide.ObjectDeleter.NOT_WRITTEN_BY_PAIR);
    }

    @Test
    void without_deletes_the_diff_deletes_nothing() throws Exception {
        String a = Buckets.create(src, "nd-a");
        String b = Buckets.create(dst, "nd-b");
        Buckets.put(src, a, "k1", "1");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint), Map.of());
        diff("p");
        src.deleteObject(d -> d.bucket(a).key("k1"));
        RunStats run = diff("p");
        assertThat(Buckets.keys(dst, b)).containsExactly("k1");
        assertThat(run.emitted()).isZero();
    }

    @Test
    void compare_versions_copies_a_new_version_with_the_same_etag() throws Exception {
        String a = Buckets.create(src, "cv-a");
        String b = Buckets.create(dst, "cv-b");
        src.putBucketVersioning(r -> r.bucket(a).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        String v1 = src.putObject(p -> p.bucket(a).key("k"), RequestBody.fromString("same bytes")).versionId();
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint, "compareVersions", "true"),
                Map.of());
        assertThat(diff("p").copied.sum()).isEqualTo(1);
        assertThat(dst.headObject(h -> h.bucket(b).key("k")).metadata()).containsEntry("source-version-id", v1);
        assertThat(diff("p").copied.sum()).as("same version: in step").isZero();

        String v2 = src.putObject(p -> p.bucket(a).key("k"), RequestBody.fromString("same bytes")).versionId();
        RunStats run = diff("p");

        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(dst.headObject(h -> h.bucket(b).key("k")).metadata()).containsEntry("source-version-id", v2);
    }

    @Test
    void the_ignore_list_applies_to_the_diff_from_the_parameter_and_the_file() throws Exception {
        String a = Buckets.create(src, "ig-a");
        String b = Buckets.create(dst, "ig-b");
        for (String k : new String[] {"keep/x.txt", "scratch/y.txt", "keep/z.part", "keep/w.tmp"}) {
            Buckets.put(src, a, k, k);
        }
        var file = Files.writeString(state.resolve("ignore.txt"), "# temporary files\n*.tmp\n");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint,
                "ignore", a + "/scratch/*,*.part", "ignoreFile", file.toString()), Map.of());
        RunStats run = diff("p");
        assertThat(Buckets.keys(dst, b)).containsExactly("keep/x.txt");
        assertThat(run.excluded.sum()).isEqualTo(3);
    }
}
