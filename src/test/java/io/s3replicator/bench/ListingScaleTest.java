package io.s3replicator.bench;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.discover.KeyOrder;
import io.s3replicator.store.S3Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short version of {@link ListingScaleBench}, no timing: the real diff over a generated
 * multi-level key space, served page by page through the S3 client as a store would, finds exactly
 * the generated differences at 1, 4 and 16 listing threads and every listing depth, and a diff of a
 * listing far larger than its heap ends, correct, in a 64 MiB JVM.
 */
class ListingScaleTest {
    @TempDir
    Path dir;

    @Test
    void the_diff_finds_exactly_the_generated_differences_at_1_4_and_16_listing_threads() throws Exception {
        // 3 levels of 4 folders, 3 objects directly in each folder above the last, 40 in each last one:
        // pages of 100 keys end inside folders, on folder boundaries and across partitions.
        SyntheticKeySpace space = new SyntheticKeySpace(2_600, 4, 3, 3, 0.1, 7);
        List<String> expected = new ArrayList<>();
        space.forEachJob((variant, i) -> expected.add(variant.job + " " + space.key(i)));
        assertThat(expected).extracting(j -> j.substring(0, j.indexOf(' ')))
                .contains("MISSING", "SIZE_DIFFERS", "ETAG_DIFFERS", "EXTRA_AT_DESTINATION");

        try (SyntheticS3 src = new SyntheticS3("scale-src", space, true, 0);
             SyntheticS3 dst = new SyntheticS3("scale-dst", space, false, 0);
             S3Clients clients = new S3Clients(40)) {
            ReplicationPair pair = ListingScaleBench.pair(src.endpoint(), dst.endpoint());
            for (int threads : new int[] {1, 4, 16}) {
                for (int depth : threads == 1 ? new int[] {1} : new int[] {1, 2, 3, 4}) {
                    List<String> jobs = new ArrayList<>();
                    ListingScaleBench.Result r = ListingScaleBench.diff(pair, clients, threads, depth, 100, false, jobs);
                    jobs.sort((a, b) -> KeyOrder.compare(a.substring(a.indexOf(' ') + 1), b.substring(b.indexOf(' ') + 1)));
                    String as = threads + " threads, depth " + depth;
                    assertThat(jobs).as(as).isEqualTo(expected);
                    assertThat(r.sourceListed()).as(as + ": each source key listed once").isEqualTo(space.count(true));
                    assertThat(r.destinationListed()).as(as).isEqualTo(space.count(false));
                }
            }
        }
    }

    @Test
    void a_listing_far_larger_than_the_heap_is_diffed_in_a_64_mib_jvm() throws Exception {
        // 300,000 positions: both listings held at once would need well over 64 MiB (S3Objects of about
        // 300 bytes each, 600,000 of them); the diff holds one page per side per listing thread.
        SyntheticKeySpace space = new SyntheticKeySpace(300_000, 16, 3, 8, 0.02, 16);
        Map<SyntheticKeySpace.Variant, Long> expected = space.expectedJobs();
        try (SyntheticS3 src = new SyntheticS3("scale-src", space, true, 0);
             SyntheticS3 dst = new SyntheticS3("scale-dst", space, false, 0)) {
            System.setProperty("bench.live-sample.ms", "0");
            Map<String, String> row;
            try {
                row = ListingScaleBench.runChild(dir, "64m", src.endpoint(), dst.endpoint(), 4, 2, 1000);
            } finally {
                System.clearProperty("bench.live-sample.ms");
            }
            assertThat(Long.parseLong(row.get("jobs")))
                    .isEqualTo(expected.values().stream().mapToLong(Long::longValue).sum());
            for (var e : expected.entrySet()) {
                assertThat(Long.parseLong(row.getOrDefault(e.getKey().job, "0"))).as(e.getKey().job).isEqualTo(e.getValue());
            }
            assertThat(Long.parseLong(row.get("sourceListed"))).isEqualTo(space.count(true));
            assertThat(Long.parseLong(row.get("destinationListed"))).isEqualTo(space.count(false));
            assertThat(Long.parseLong(row.get("maxHeapBytes"))).isLessThanOrEqualTo(64L << 20);
        }
    }
}
