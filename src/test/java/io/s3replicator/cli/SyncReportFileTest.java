package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sync --report FILE} writes a line per object acted on, and {@code sync --from-report FILE}
 * retries exactly the objects it lists as failed. Whole files are compared; only the durations
 * (DurationMs, the last column) are masked.
 */
class SyncReportFileTest extends TwoEndpoints {
    static final String HEADER = "Bucket,Key,VersionId,TaskStatus,ErrorCode,HTTPStatusCode,ResultMessage,Operation,"
            + "Size,Outcome,Reason,Path,SourceETag,DestinationBucket,DestinationKey,DestinationETag,DurationMs\n";

    CliRun sync(String from, String to, String... extra) {
        // One object at a time: lines come in key order, so the whole file can be compared.
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0",
                "--concurrency", "1"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    static String etag(S3Client s3, String bucket, String key) {
        return s3.headObject(b -> b.bucket(bucket).key(key)).eTag().replace("\"", "");
    }

    /** The file with each line's duration (its last field) replaced by '#'. */
    static String masked(Path file) throws Exception {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.replaceAll("(?m),\\d+$", ",#").replaceAll("\"DurationMs\":\\d+}", "\"DurationMs\":#}");
    }

    @Test
    void a_report_lists_every_object_acted_on_and_a_second_sync_retries_exactly_the_failed_ones() throws Exception {
        String a = Buckets.create(src, "report-src");
        String b = armedBucket(dst, "report-dst");
        Buckets.put(src, a, "logs/a.txt", "1");
        Buckets.put(src, a, "logs/b c,\"d\".txt", "22");
        Buckets.put(src, a, "logs/denied.txt", "333");
        Buckets.put(src, a, "logs/same.txt", "4444");
        Buckets.put(src, a, "logs/skip.tmp", "55555");
        byte[] big = new byte[6 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        src.putObject(p -> p.bucket(a).key("logs/big.bin"), RequestBody.fromBytes(big));
        Buckets.put(dst, b, "copy/same.txt", "4444");
        FaultInjector.failPuts(b, "copy/denied.txt", 403);
        Path first = state.resolve("run1.csv");

        CliRun run = sync("s3://" + a + "/logs", "s3://" + b + "/copy", "--exclude", "*.tmp",
                "--multipart-threshold", "5MiB", "--part-size", "5MiB", "--report", first.toString());

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILURES);
        // In step (same.txt) and excluded (skip.tmp) objects are not acted on: no line.
        assertThat(masked(first)).isEqualTo(HEADER
                + a + ",logs/a.txt,,succeeded,,,Successful,COPY,1,COPIED,,relay," + etag(src, a, "logs/a.txt")
                + "," + b + ",copy/a.txt," + etag(dst, b, "copy/a.txt") + ",#\n"
                + a + ",\"logs/b c,\"\"d\"\".txt\",,succeeded,,,Successful,COPY,2,COPIED,,relay,"
                + etag(src, a, "logs/b c,\"d\".txt") + "," + b + ",\"copy/b c,\"\"d\"\".txt\","
                + etag(dst, b, "copy/b c,\"d\".txt") + ",#\n"
                + a + ",logs/big.bin,,succeeded,,,Successful,COPY,6291456,COPIED,,multipart-relay,"
                + etag(src, a, "logs/big.bin") + "," + b + ",copy/big.bin," + etag(dst, b, "copy/big.bin") + ",#\n"
                + a + ",logs/denied.txt,,failed,AccessDenied,403,403 AccessDenied: injected failure,COPY,3,FAILED,"
                + "403 AccessDenied: injected failure,," + etag(src, a, "logs/denied.txt") + "," + b
                + ",copy/denied.txt,,#\n");

        // Since then: the failure's cause is gone, and a.txt changed at the source. Only the failed
        // key is looked at (one listing request per key and side), so a.txt waits for a full sync.
        FaultInjector.reset(b);
        Buckets.put(src, a, "logs/a.txt", "changed");
        Path second = state.resolve("run2.jsonl");

        CliRun retry = sync("s3://" + a + "/logs", "s3://" + b + "/copy", "--from-report", first.toString(),
                "--report", second.toString());

        assertThat(retry.exitCode()).as(retry.toString()).isZero();
        assertThat(retry.out()).matches("""
                s3-replicator sync s3://%s/logs/ -> s3://%s/copy/ \\(relayed\\)
                  listed    1 source objects, 0 destination objects
                  copied    1 objects, 3 B
                  skipped   0 objects, 0 B \\(in step 0, excluded 0\\)
                  failed    0 objects, 0 B
                  elapsed   [0-9.]+ s, [0-9.]+ objects/s, [0-9.]+ [KMG]?i?B/s
                in step
                """.formatted(a, b));
        assertThat(masked(second)).isEqualTo("{\"Bucket\":\"" + a + "\",\"Key\":\"logs/denied.txt\",\"VersionId\":null,"
                + "\"TaskStatus\":\"succeeded\",\"ErrorCode\":null,\"HTTPStatusCode\":null,\"ResultMessage\":\"Successful\","
                + "\"Operation\":\"COPY\",\"Size\":3,\"Outcome\":\"COPIED\",\"Reason\":null,\"Path\":\"relay\","
                + "\"SourceETag\":\"" + etag(src, a, "logs/denied.txt") + "\",\"DestinationBucket\":\"" + b + "\","
                + "\"DestinationKey\":\"copy/denied.txt\",\"DestinationETag\":\"" + etag(dst, b, "copy/denied.txt")
                + "\",\"DurationMs\":#}\n");
        assertThat(new String(Buckets.get(dst, b, "copy/a.txt"), StandardCharsets.UTF_8)).isEqualTo("1");
    }

    @Test
    void a_report_of_another_bucket_or_an_unknown_format_is_one_error_line_and_nothing_is_done() throws Exception {
        String a = Buckets.create(src, "report-bad-src");
        String b = Buckets.create(dst, "report-bad-dst");
        Buckets.put(src, a, "x.txt", "x");
        Path other = state.resolve("other.csv");
        Files.writeString(other, HEADER + "elsewhere,x.txt,,failed,AccessDenied,403,no,COPY,1,FAILED,no,,e,d,x.txt,,5\n");

        CliRun wrongBucket = sync("s3://" + a, "s3://" + b, "--from-report", other.toString());
        CliRun wrongName = sync("s3://" + a, "s3://" + b, "--report", state.resolve("r.txt").toString());

        assertThat(wrongBucket.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrongBucket.out()).isEmpty();
        assertThat(wrongBucket.err()).isEqualTo("s3-replicator: --from-report: " + other
                + " lists objects of bucket 'elsewhere', not of the source bucket '" + a + "'\n");
        assertThat(wrongName.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(wrongName.err()).isEqualTo("s3-replicator: --report: " + state.resolve("r.txt")
                + ": name the format with a .csv or .jsonl file name\n");
        assertThat(Buckets.keys(dst, b)).isEmpty();
    }
}
