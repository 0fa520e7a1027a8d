package io.s3replicator.discover;

import io.s3replicator.record.ObjectReport;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any listing order on every path that lists (issue 12, item 5): {@code verify}, the parallel diff
 * ({@code --listing-threads}) and {@code sync --from-report} never take a listed key for missing, nor a
 * destination key for extra, on stores that list out of UTF-8 binary order.
 */
class AnyListingOrderTest extends TwoEndpoints {

    /** 120 keys in three folders and at the top, the first {@code inStep} of them at the destination too. */
    private static List<String> seed(String a, String b, int inStep) {
        List<String> keys = IntStream.range(0, 120).mapToObj(i -> (i % 4 == 3 ? "" : "f" + i % 4 + "/")
                + String.format("k%03d", i)).toList();
        IntStream.range(0, keys.size()).parallel().forEach(i -> {
            Buckets.put(src, a, keys.get(i), "v" + i);
            if (i < inStep) {
                Buckets.put(src, b, keys.get(i), "v" + i);
            }
        });
        return keys;
    }

    /** One command between two buckets of one emulator. */
    private CliRun run(String command, String a, String b, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", srcEndpoint, "--path-style"));
        if (command.equals("sync")) {
            args.addAll(List.of("--state-dir", state.toString(), "--progress", "0"));
        }
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void verify_of_unsorted_listings_names_only_what_is_really_missing() {
        String a = armedBucket(src, "order-verify-src");
        String b = armedBucket(src, "order-verify-dst");
        List<String> keys = seed(a, b, 110);
        StoreBehaviour.unsorted(a);
        StoreBehaviour.unsorted(b);

        CliRun verify = run("verify", a, b);

        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.out()).contains("  listed    120 source objects, 110 destination objects\n",
                "  identical 110 objects\n", "  missing   10 objects (not at the destination)\n",
                "  extra     0 objects (only at the destination)\n", "  different 0 objects\n");
        for (String key : keys.subList(110, 120)) {
            assertThat(verify.out()).contains("  MISSING   " + key + "\n");
        }
    }

    @Test
    void a_parallel_diff_of_unsorted_listings_takes_no_listed_key_for_missing() {
        String a = armedBucket(src, "order-parallel-src");
        String b = armedBucket(src, "order-parallel-dst");
        seed(a, b, 80);
        StoreBehaviour.unsorted(a);
        StoreBehaviour.unsorted(b);

        CliRun sync = run("sync", a, b, "--listing-threads", "2");

        assertThat(sync.exitCode()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains("  listed    120 source objects, 80 destination objects\n")
                .contains("(in step 80, excluded 0)").contains("  failed    0 objects")
                .doesNotContain("only at the destination");
        assertThat(sync.count("copied")).as("the 40 missing, and what a part's first pass queued before its"
                + " disorder showed").isBetween(40L, 60L);
        assertThat(Buckets.keys(src, b)).hasSize(120);

        CliRun again = run("sync", a, b, "--listing-threads", "2");

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("(in step 120, excluded 0)").doesNotContain("only at the destination");
        // A part's first pass, before its disorder shows, may queue a few keys as missing (safe, not free).
        assertThat(again.count("copied")).isLessThan(20);
    }

    @Test
    void a_parallel_diff_sorts_a_side_declared_unsorted_from_the_start() {
        String a = armedBucket(src, "order-declared-src");
        String b = armedBucket(src, "order-declared-dst");
        seed(a, b, 80);
        StoreBehaviour.unsorted(a);

        CliRun sync = run("sync", a + "?sortedListing=false", b, "--listing-threads", "2");

        assertThat(sync.exitCode()).as(sync.toString()).isZero();
        assertThat(sync.out()).contains("  copied    40 objects,").contains("(in step 80, excluded 0)")
                .doesNotContain("only at the destination");
    }

    /**
     * A named key is listed with itself as prefix; on an unsorted store the first key of that listing
     * may be a longer one ({@code r/1} before {@code r/10}), which is no proof the key is absent.
     */
    @Test
    void sync_from_report_finds_named_keys_whatever_order_their_prefix_lists_in() throws Exception {
        String a = armedBucket(src, "order-report-src");
        String b = armedBucket(src, "order-report-dst");
        for (String key : List.of("r/1", "r/2")) {
            Buckets.put(src, a, key, "named " + key);
            for (int i = 0; i < 10; i++) {
                Buckets.put(src, a, key + i, "sibling " + key + i);
                Buckets.put(src, b, key + i, "sibling " + key + i);
            }
        }
        Buckets.put(src, b, "r/2", "named r/2");
        Path report = state.resolve("failed.csv");
        Files.writeString(report, String.join(",", ObjectReport.COLUMNS) + "\n"
                + a + ",r/1,,failed,InternalError,500,500 InternalError: x,COPY,10,FAILED,x,,,"
                + b + ",r/1,,1\n"
                + a + ",r/2,,failed,InternalError,500,500 InternalError: x,COPY,10,FAILED,x,,,"
                + b + ",r/2,,1\n", StandardCharsets.UTF_8);
        StoreBehaviour.unsorted(a);
        StoreBehaviour.unsorted(b);

        CliRun retry = run("sync", a, b, "--from-report", report.toString());

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.out()).contains("  listed    2 source objects, 1 destination objects\n",
                "  copied    1 objects, 9 B\n", "(in step 1, excluded 0)");
        assertThat(new String(Buckets.get(src, b, "r/1"), StandardCharsets.UTF_8)).isEqualTo("named r/1");
    }
}
