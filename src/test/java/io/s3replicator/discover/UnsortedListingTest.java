package io.s3replicator.discover;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any listing order (issue 12, item 5): a store that lists out of UTF-8 binary order (S3 Express directory
 * buckets, some S3-compatible stores) never makes the diff take a listed key for missing; the listings are
 * sorted on local disk with bounded memory.
 */
class UnsortedListingTest extends TwoEndpoints {

    /** {@code total} source keys, the first {@code inStep} of them already at the destination. */
    private static void seed(String a, String b, int total, int inStep) {
        IntStream.range(0, total).parallel().forEach(i -> {
            String key = String.format("k/%05d", i);
            Buckets.put(src, a, key, "v" + i);
            if (i < inStep) {
                Buckets.put(src, b, key, "v" + i);
            }
        });
    }

    private final List<String> warnings = new java.util.ArrayList<>();

    /** A sync between two buckets of one emulator (server-side copies), its warnings kept in {@link #warnings}. */
    private CliRun sync(String a, String b) {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        try {
            return CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint,
                    "--dest-endpoint", srcEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0");
        } finally {
            root.detachAppender(logs);
            logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                    .forEach(warnings::add);
        }
    }

    @Test
    void a_store_that_turns_out_unsorted_is_sorted_on_disk_and_no_listed_key_is_taken_for_missing() {
        String a = armedBucket(src, "unsorted-src");
        String b = armedBucket(src, "unsorted-dst");
        seed(a, b, 120, 80);
        StoreBehaviour.unsorted(a);
        StoreBehaviour.unsorted(b);

        CliRun run = sync(a, b);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("  listed    120 source objects, 80 destination objects")
                .contains("(in step 80, excluded 0)")
                .doesNotContain("only at the destination");
        assertThat(warnings).singleElement().asString().contains("is not in UTF-8 binary key order")
                .contains("sorting both listings on local disk");
        assertThat(run.count("copied")).as("the 40 missing, and what the first pass queued before the"
                + " disorder showed").isBetween(40L, 45L);
        assertThat(run.count("failed")).isZero();
        assertThat(Buckets.keys(src, b)).hasSize(120);
    }

    @Test
    void a_side_declared_unsorted_is_sorted_from_the_start() {
        String a = armedBucket(src, "declared-src");
        String b = armedBucket(src, "declared-dst");
        seed(a, b, 120, 80);
        StoreBehaviour.unsorted(a);

        CliRun run = sync(a + "?sortedListing=false", b);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("  copied    40 objects,").contains("(in step 80, excluded 0)");
        assertThat(warnings).noneMatch(w -> w.contains("key order"));
    }

    /**
     * Keys on both sides listed in no order, a worker process with a 64 MiB heap sorting runs of a tenth of
     * them: ten runs per side spilled to disk and merged; the sort directory is empty afterwards. 1,000 keys
     * in the default suite (seeding S3Mock costs a few ms per object); {@code -Dunsorted.keys=5000} for
     * the size.
     */
    @Test
    void thousands_of_unsorted_keys_are_diffed_by_a_worker_with_a_small_heap() throws Exception {
        int keys = Integer.getInteger("unsorted.keys", 1_000);
        int inStep = keys * 9 / 10;
        String a = armedBucket(src, "unsorted-many-src");
        String b = armedBucket(src, "unsorted-many-dst");
        seed(a, b, keys, inStep);
        Path sortDir = state.resolve("sort");
        Path out = state.resolve("out.txt");

        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-XX:TieredStopAtLevel=1", "-Ds3replicator.test.unsorted=" + a + "," + b,
                "-Ds3replicator.discover.sort-run-entries=" + keys / 10, "-Ds3replicator.discover.sort-dir=" + sortDir,
                "-cp", System.getProperty("java.class.path"), "io.s3replicator.Application",
                "sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint, "--dest-endpoint", srcEndpoint,
                "--path-style", "--state-dir", state.resolve("state").toString(), "--progress", "0"))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        Process child = pb.start();
        assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("child finished").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("  listed    " + keys + " source objects, " + inStep + " destination objects")
                .contains("(in step " + inStep + ", excluded 0)").contains("  failed    0 objects")
                .contains("sorting both listings on local disk").doesNotContain("OutOfMemoryError");
        assertThat(Buckets.keys(src, b)).hasSize(keys);
        try (var left = Files.list(sortDir)) {
            assertThat(left.toList()).as("sort runs deleted").isEmpty();
        }
    }
}
