package io.s3replicator.discover;

import io.s3replicator.config.PairFeatures;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.IgnoreList;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The diff listed N ways at once finds exactly the jobs of the sequential diff. */
class ParallelDiffTest extends TwoEndpoints {
    /** Keys at every level, markers, odd segments, and characters listings order differently. */
    private static final List<String> SOURCE_KEYS = List.of("top.txt", "a b+c.txt", "dir/", "dir/x", "dir/ space/x", "dots/../not-parent.txt",
            "dir/sub/deep/leaf.bin", "dir/sub/deep/", "dir/sub/file", "dir/zz", "emoji-\uD83D\uDE00/a",
            "emoji-\uD83D\uDE00/b/c", "\uFF5Ewide/k", "percent%2F/x", "z", "only-src/a/b/c/d");
    private static final List<String> DESTINATION_KEYS = List.of("top.txt", "dir/x", "dir/sub/file",
            "only-dst/a", "only-dst/b/c", "emoji-\uD83D\uDE00/a", "zz-extra");

    @Test
    void the_parallel_diff_finds_job_for_job_what_the_sequential_one_finds_on_awkward_keys() {
        String a = Buckets.create(src, "par-src");
        String b = Buckets.create(dst, "par-dst");
        for (String key : SOURCE_KEYS) {
            Buckets.put(src, a, "p/" + key, "source " + key);
        }
        for (String key : DESTINATION_KEYS) {
            // Some in step, some different, some only at the destination.
            Buckets.put(dst, b, "q/" + key, key.startsWith("dir/") ? "changed" : "source " + key);
        }
        Buckets.put(src, a, "outside-prefix", "never listed");
        ReplicationPair pair = new ReplicationPair("par",
                S3Uri.parse("source", "s3://" + a + "/p/?endpoint=" + srcEndpoint),
                S3Uri.parse("destination", "s3://" + b + "/q/?endpoint=" + dstEndpoint),
                KeyFilter.of(List.of(), List.of("**/zz")), false,
                new PairFeatures(null, null, true, false, IgnoreList.NONE, false, false, true, true));

        List<Job> sequential = sorted(new DiffJoin(pair, new RunStats("s", "par", null),
                new BucketListing(src, pair.source(), 3, n -> { }), new BucketListing(dst, pair.destination(), 3, n -> { })));
        assertThat(sequential).extracting(Job::reason).contains(Job.Reason.MISSING, Job.Reason.SIZE_DIFFERS,
                Job.Reason.EXTRA_AT_DESTINATION);

        for (int depth : List.of(1, 2, 4)) {
            RunStats stats = new RunStats("p" + depth, "par", null);
            try (ParallelDiff parallel = new ParallelDiff(pair, stats, src, dst, 3, 4, depth, (s, d) -> true,
                    (s, d) -> false, OrderedDiff.Sorting.defaults())) {
                assertThat(sorted(parallel)).as("depth " + depth).isEqualTo(sequential);
            }
            assertThat(stats.sourceListed.sum()).as("each source key listed once").isEqualTo(SOURCE_KEYS.size());
            assertThat(stats.destinationListed.sum()).isEqualTo(DESTINATION_KEYS.size());
        }
    }

    @Test
    void an_empty_pair_has_no_jobs() {
        String a = Buckets.create(src, "par-empty-src");
        String b = Buckets.create(dst, "par-empty-dst");
        ReplicationPair pair = new ReplicationPair("par", S3Uri.parse("source", "s3://" + a + "?endpoint=" + srcEndpoint),
                S3Uri.parse("destination", "s3://" + b + "?endpoint=" + dstEndpoint), KeyFilter.ALL, false);
        try (ParallelDiff parallel = new ParallelDiff(pair, new RunStats("e", "par", null), src, dst, 10, 4, 2,
                (s, d) -> true, (s, d) -> false, OrderedDiff.Sorting.defaults())) {
            assertThat(parallel.hasNext()).isFalse();
        }
    }

    /**
     * Parts that end at once (empty folders, a fast store): the first threads may have finished every part
     * before the last thread is started; the diff still ends. Before the fix, 200 of 200 such diffs never
     * ended (the threads were started up to a live count that the finished ones had already lowered).
     */
    @Test
    void a_diff_whose_parts_end_at_once_still_ends() throws Exception {
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 20; round++) {
                List<java.util.function.Supplier<java.util.Iterator<Job>>> parts = new ArrayList<>();
                for (int p = 0; p < 64; p++) {
                    parts.add(java.util.Collections::emptyIterator);
                }
                try (ParallelDiff diff = new ParallelDiff("empty", parts, 16)) {
                    // A guard against hanging the build, not a timing: the answer comes at once or never.
                    assertThat(reader.submit(diff::hasNext).get(60, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
                }
            }
        } finally {
            reader.shutdownNow();
        }
    }

    /**
     * A listing thread that dies of an Error (OutOfMemoryError in a small heap) must fail the diff:
     * before, only RuntimeExceptions were handed over and the diff ended as if complete, its parts unlisted.
     */
    @Test
    void a_listing_thread_that_dies_of_an_error_fails_the_diff_instead_of_ending_it_short() {
        List<java.util.function.Supplier<java.util.Iterator<Job>>> parts = new ArrayList<>();
        parts.add(java.util.Collections::emptyIterator);
        parts.add(() -> {
            throw new OutOfMemoryError("Java heap space (a test)");
        });
        try (ParallelDiff diff = new ParallelDiff("error", parts, 2)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                while (diff.hasNext()) {
                    diff.next();
                }
            }).isInstanceOf(IllegalStateException.class)
                    .hasMessage("a listing thread failed: java.lang.OutOfMemoryError: Java heap space (a test)")
                    .hasCauseInstanceOf(OutOfMemoryError.class);
        }
    }

    @Test
    void sync_with_listing_threads_copies_every_key_once_and_then_nothing() {
        String a = Buckets.create(src, "par-sync-src");
        String b = Buckets.create(dst, "par-sync-dst");
        for (String key : SOURCE_KEYS) {
            Buckets.put(src, a, key, "source " + key);
        }
        String[] args = {"sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint, "--dest-endpoint",
            dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0", "--listing-threads", "4"};

        CliRun first = CliRun.of(args);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(SOURCE_KEYS.size());
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrderElementsOf(SOURCE_KEYS);

        CliRun second = CliRun.of(args);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).isZero();
    }

    /** Jobs in key order, with the fields a diff decides (not its run or the time it saw them). */
    private static List<Job> sorted(java.util.Iterator<Job> jobs) {
        List<Job> out = new ArrayList<>();
        jobs.forEachRemaining(j -> out.add(new Job(j.pairId(), null, j.operation(), j.key(), j.size(), j.etag(),
                j.versionId(), null, j.origin(), j.reason(), 0)));
        out.sort(Comparator.comparing(Job::key, KeyOrder::compare));
        return out;
    }
}
