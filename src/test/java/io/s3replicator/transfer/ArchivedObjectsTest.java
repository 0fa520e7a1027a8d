package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Archived objects (issue 12, item 4): GLACIER, DEEP_ARCHIVE and the Intelligent-Tiering archive tiers cannot
 * be read until restored. They are skipped with reason {@code archived}, counted, and the run still exits 0;
 * with {@code restore} on the source they are restored and copied by the first run after the restore.
 */
class ArchivedObjectsTest extends TwoEndpoints {
    private CliRun sync(String a, String b, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "s3://" + a, "s3://" + b,
                "--source-endpoint", srcEndpoint, "--dest-endpoint", dstEndpoint, "--path-style",
                "--multipart-threshold", "5MiB", "--part-size", "5MiB",
                "--state-dir", state.toString(), "--progress", "0"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Two readable objects, one in each archive class, and a multipart one in Deep Archive. */
    private static void seed(S3Client s3, String bucket) {
        Buckets.put(s3, bucket, "hot.txt", "hot");
        s3.putObject(p -> p.bucket(bucket).key("instant.txt").storageClass("GLACIER_IR"), RequestBody.fromString("ir"));
        s3.putObject(p -> p.bucket(bucket).key("glacier.txt").storageClass("GLACIER"), RequestBody.fromString("g"));
        s3.putObject(p -> p.bucket(bucket).key("deep.txt").storageClass("DEEP_ARCHIVE"), RequestBody.fromString("d"));
        s3.putObject(p -> p.bucket(bucket).key("tiered.txt").storageClass("INTELLIGENT_TIERING"),
                RequestBody.fromString("t"));
        s3.putObject(p -> p.bucket(bucket).key("big.bin").storageClass("DEEP_ARCHIVE"),
                RequestBody.fromBytes(new byte[6 * 1024 * 1024]));
        StoreBehaviour.archive(bucket);
        StoreBehaviour.archiveTier(bucket, "tiered.txt", "ARCHIVE_ACCESS");
    }

    private void archivedObjectsAreSkippedAndCounted(S3Client destination, String destinationEndpoint, String path) {
        String a = armedBucket(src, "archived-src");
        String b = armedBucket(destination, "archived-dst");
        seed(src, a);

        CliRun run = CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", destinationEndpoint, "--path-style", "--multipart-threshold", "5MiB",
                "--part-size", "5MiB", "--state-dir", state.toString(), "--progress", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(" + path + ")");
        assertThat(run.count("copied")).isEqualTo(2);
        assertThat(run.out()).contains("  skipped   4 objects, 6.0 MiB (in step 0, excluded 0, archived 4)");
        assertThat(run.count("failed")).isZero();
        assertThat(Buckets.keys(destination, b)).containsExactly("hot.txt", "instant.txt");
        assertThat(destination.listMultipartUploads(l -> l.bucket(b)).uploads()).as("no upload left open").isEmpty();
    }

    @Test
    void relayed_archived_objects_are_skipped_counted_and_the_sync_exits_0() {
        archivedObjectsAreSkippedAndCounted(dst, dstEndpoint, "relayed");
    }

    @Test
    void server_side_copies_of_archived_objects_are_skipped_too() {
        archivedObjectsAreSkippedAndCounted(src, srcEndpoint, "server-side copy");
    }

    @Test
    void with_restore_on_the_source_they_are_restored_once_and_copied_after_the_restore() {
        String a = armedBucket(src, "restore-src");
        String b = armedBucket(dst, "restore-dst");
        seed(src, a);

        CliRun first = sync(a, b + "", "--source-restore", "Bulk:3");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("archived: restore requested 4");
        assertThat(StoreBehaviour.restores(a)).containsOnlyKeys("glacier.txt", "deep.txt", "tiered.txt", "big.bin");
        assertThat(StoreBehaviour.restores(a).get("deep.txt").days()).isEqualTo(3);
        assertThat(StoreBehaviour.restores(a).get("deep.txt").glacierJobParameters().tierAsString()).isEqualTo("Bulk");
        assertThat(StoreBehaviour.restores(a).get("tiered.txt").days())
                .as("an Intelligent-Tiering restore takes no days").isNull();

        CliRun second = sync(a, b, "--source-restore", "Bulk:3");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("archived: restore in progress 4");
        assertThat(second.count("copied")).isZero();

        StoreBehaviour.completeRestores(a);
        CliRun third = sync(a, b, "--source-restore", "Bulk:3");
        assertThat(third.exitCode()).as(third.toString()).isZero();
        assertThat(third.count("copied")).isEqualTo(4);
        assertThat(Buckets.keys(dst, b)).containsExactly("big.bin", "deep.txt", "glacier.txt", "hot.txt",
                "instant.txt", "tiered.txt");
        assertThat(new String(Buckets.get(dst, b, "deep.txt"))).isEqualTo("d");
    }
}
