package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.MetadataDirective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sync --delete}, the counterpart of {@code aws s3 sync --delete} and {@code rclone sync}:
 * destination objects whose source is gone are deleted, by default only those this pair wrote
 * at that key ({@code replica-location}), with {@code --delete-unowned} every extra object under
 * the destination prefix. Through two real S3 endpoints.
 */
class SyncDeleteTest extends TwoEndpoints {

    CliRun sync(String from, String to, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /**
     * A delete never removes an object written in the same second as the diff that asked for it
     * (last-modified has whole seconds; a tie counts as newer): wait for the next second so the
     * objects written so far are older than the sync that follows.
     */
    static void nextSecond() throws InterruptedException {
        Thread.sleep(1_050 - System.currentTimeMillis() % 1_000);
    }

    /** Source keep.txt and gone.txt, both copied by a first sync; then gone.txt is deleted at the source and a user writes user.txt at the destination. */
    String[] copiedThenGoneAtSource(String name) throws InterruptedException {
        String a = Buckets.create(src, name + "-src");
        String b = Buckets.create(dst, name + "-dst");
        Buckets.put(src, a, "keep.txt", "keep");
        Buckets.put(src, a, "gone.txt", "gone");
        CliRun first = sync("s3://" + a, "s3://" + b);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(2);
        src.deleteObject(d -> d.bucket(a).key("gone.txt"));
        Buckets.put(dst, b, "user.txt", "written by a user, not by the replicator");
        nextSecond();
        return new String[] {a, b};
    }

    @Test
    void delete_removes_the_copy_whose_source_is_gone_and_keeps_the_users_own_object() throws Exception {
        String[] ab = copiedThenGoneAtSource("del-owned");

        CliRun run = sync("s3://" + ab[0], "s3://" + ab[1], "--delete");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.keys(dst, ab[1])).containsExactlyInAnyOrder("keep.txt", "user.txt");
        assertThat(run.count("deleted")).isEqualTo(1);
        assertThat(run.count("copied")).isZero();
        assertThat(run.out()).contains("1 not written by this pair: --delete-unowned deletes them").endsWith("in step\n");
    }

    @Test
    void delete_unowned_also_deletes_objects_the_pair_did_not_write() throws Exception {
        String[] ab = copiedThenGoneAtSource("del-unowned");

        CliRun run = sync("s3://" + ab[0], "s3://" + ab[1], "--delete", "--delete-unowned");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.keys(dst, ab[1])).containsExactly("keep.txt");
        assertThat(run.count("deleted")).isEqualTo(2);
        assertThat(run.out()).doesNotContain("note");
    }

    @Test
    void without_delete_nothing_is_deleted_and_the_summary_has_no_deleted_line() throws Exception {
        String[] ab = copiedThenGoneAtSource("del-off");

        CliRun run = sync("s3://" + ab[0], "s3://" + ab[1]);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.keys(dst, ab[1])).containsExactlyInAnyOrder("gone.txt", "keep.txt", "user.txt");
        assertThat(run.out()).doesNotContain("deleted").contains("2 objects exist only at the destination (left alone)");
    }

    @Test
    void dry_run_lists_what_would_be_deleted_and_deletes_nothing() throws Exception {
        String[] ab = copiedThenGoneAtSource("del-dry");

        CliRun owned = sync("s3://" + ab[0], "s3://" + ab[1], "--delete", "--dry-run");
        CliRun all = sync("s3://" + ab[0], "s3://" + ab[1], "--delete", "--delete-unowned", "--dry-run");

        assertThat(owned.exitCode()).as(owned.toString()).isZero();
        assertThat(owned.count("would delete")).isEqualTo(1);
        assertThat(owned.count("would copy")).as("a delete is not a copy").isZero();
        assertThat(owned.count("deleted")).isZero();
        assertThat(owned.out()).contains("  (dry run) delete s3://" + ab[1] + "/gone.txt\n")
                .doesNotContain("delete s3://" + ab[1] + "/user.txt").endsWith("dry run complete\n");
        assertThat(all.exitCode()).as(all.toString()).isZero();
        assertThat(all.count("would delete")).isEqualTo(2);
        assertThat(all.out()).contains("  (dry run) delete s3://" + ab[1] + "/gone.txt\n"
                + "  (dry run) delete s3://" + ab[1] + "/user.txt\n");
        assertThat(Buckets.keys(dst, ab[1])).containsExactlyInAnyOrder("gone.txt", "keep.txt", "user.txt");
    }

    @Test
    void an_excluded_key_is_never_deleted() throws Exception {
        String a = Buckets.create(src, "del-excl-src");
        String b = Buckets.create(dst, "del-excl-dst");
        Buckets.put(src, a, "data/a.log", "a");
        Buckets.put(src, a, "data/b.tmp", "b");
        assertThat(sync("s3://" + a, "s3://" + b).exitCode()).isZero();
        src.deleteObject(d -> d.bucket(a).key("data/a.log"));
        src.deleteObject(d -> d.bucket(a).key("data/b.tmp"));
        Buckets.put(dst, b, "data/users.tmp", "a user's excluded file");
        nextSecond();

        CliRun run = sync("s3://" + a, "s3://" + b, "--delete", "--delete-unowned", "--exclude", "*.tmp");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("data/b.tmp", "data/users.tmp");
        assertThat(run.count("deleted")).isEqualTo(1);
    }

    @Test
    void only_the_destination_prefix_is_touched() throws Exception {
        String a = Buckets.create(src, "del-prefix-src");
        String b = Buckets.create(dst, "del-prefix-dst");
        Buckets.put(src, a, "logs/x.log", "x");
        Buckets.put(dst, b, "archive/stale.log", "under the destination prefix");
        Buckets.put(dst, b, "other/y.log", "outside it");
        Buckets.put(dst, b, "archive-not/z.log", "a sibling prefix");
        nextSecond();

        CliRun run = sync("s3://" + a + "/logs", "s3://" + b + "/archive", "--delete", "--delete-unowned");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("archive/x.log", "other/y.log", "archive-not/z.log");
        assertThat(run.count("deleted")).isEqualTo(1);
    }

    @Test
    void a_users_copy_of_a_replica_is_kept_without_delete_unowned() throws Exception {
        String a = Buckets.create(src, "del-copy-src");
        String b = Buckets.create(dst, "del-copy-dst");
        Buckets.put(src, a, "k.txt", "replicated");
        assertThat(sync("s3://" + a, "s3://" + b).exitCode()).isZero();
        // What 'aws s3 cp s3://b/k.txt s3://b/users-copy.txt' does: it inherits markers written for k.txt.
        dst.copyObject(c -> c.sourceBucket(b).sourceKey("k.txt").destinationBucket(b).destinationKey("users-copy.txt")
                .metadataDirective(MetadataDirective.COPY));
        assertThat(dst.headObject(h -> h.bucket(b).key("users-copy.txt")).metadata()).containsKey("replica-location");
        nextSecond();

        CliRun kept = sync("s3://" + a, "s3://" + b, "--delete");

        assertThat(kept.exitCode()).as(kept.toString()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("k.txt", "users-copy.txt");
        assertThat(kept.count("deleted")).isZero();

        CliRun deleted = sync("s3://" + a, "s3://" + b, "--delete", "--delete-unowned");

        assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactly("k.txt");
        assertThat(deleted.count("deleted")).isEqualTo(1);
    }

    @Test
    void delete_unowned_without_delete_is_a_usage_error() {
        String a = Buckets.create(src, "del-usage-src");
        String b = Buckets.create(dst, "del-usage-dst");
        Buckets.put(dst, b, "user.txt", "kept");

        CliRun run = sync("s3://" + a, "s3://" + b, "--delete-unowned");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("s3-replicator: --delete-unowned deletes nothing without --delete"
                + " (see 's3-replicator sync --help')\n");
        assertThat(Buckets.keys(dst, b)).containsExactly("user.txt");
    }
}
