package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sync whose only objects left uncopied are archived (issue 12, item 4) exits 0, and its last line says
 * what is left instead of "in step": the whole output, stdout and stderr.
 */
class ArchivedSummaryTest extends TwoEndpoints {

    private CliRun sync(String a, String b, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint",
                srcEndpoint, "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(),
                "--progress", "0"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private String seed() {
        String a = armedBucket(src, "archived-left-src");
        Buckets.put(src, a, "hot.txt", "hot");
        src.putObject(p -> p.bucket(a).key("glacier.txt").storageClass("GLACIER"), RequestBody.fromString("g"));
        src.putObject(p -> p.bucket(a).key("deep.txt").storageClass("DEEP_ARCHIVE"), RequestBody.fromString("d"));
        StoreBehaviour.archive(a);
        return a;
    }

    @Test
    void a_sync_that_leaves_only_archived_objects_says_so_and_exits_0() {
        String a = seed();
        String b = armedBucket(dst, "archived-left-dst");

        CliRun first = sync(a, b);

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).matches("""
                s3-replicator sync s3://%s/ -> s3://%s/ \\(relayed\\)
                  listed    3 source objects, 0 destination objects
                  copied    1 objects, 3 B
                  skipped   2 objects, 2 B \\(in step 0, excluded 0, archived 2\\)
                  failed    0 objects, 0 B
                  elapsed   [0-9.]+ s, [0-9.]+ objects/s, [0-9.]+ [KMG]?i?B/s
                2 archived objects not copied \\(--source-restore TIER restores and copies them\\)
                """.formatted(a, b));
        assertThat(first.err()).isEmpty();

        CliRun second = sync(a, b);

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).matches("""
                s3-replicator sync s3://%s/ -> s3://%s/ \\(relayed\\)
                  listed    3 source objects, 1 destination objects
                  copied    0 objects, 0 B
                  skipped   3 objects, 5 B \\(in step 1, excluded 0, archived 2\\)
                  failed    0 objects, 0 B
                  elapsed   [0-9.]+ s, [0-9.]+ objects/s, [0-9.]+ [KMG]?i?B/s
                2 archived objects not copied \\(--source-restore TIER restores and copies them\\)
                """.formatted(a, b));
        assertThat(second.err()).isEmpty();
    }

    @Test
    void with_restore_on_the_last_line_says_the_archived_objects_are_being_restored() {
        String a = seed();
        String b = armedBucket(dst, "archived-restore-dst");

        CliRun run = sync(a, b, "--source-restore", "Bulk");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).matches("""
                s3-replicator sync s3://%s/ -> s3://%s/ \\(relayed\\)
                  listed    3 source objects, 0 destination objects
                  copied    1 objects, 3 B
                  skipped   2 objects, 2 B \\(in step 0, excluded 0, archived: restore requested 2\\)
                  failed    0 objects, 0 B
                  elapsed   [0-9.]+ s, [0-9.]+ objects/s, [0-9.]+ [KMG]?i?B/s
                2 archived objects not copied yet \\(restoring: a sync after the restore copies them\\)
                """.formatted(a, b));
        assertThat(run.err()).isEmpty();
    }
}
