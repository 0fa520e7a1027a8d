package io.s3replicator.observe;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.PairsYaml;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run}: a pair with a {@code report} parameter appends a line per object acted on, across restarts. */
class PairReportTest extends TwoEndpoints {
    /** Jobs end in the diff's key order, so the whole file can be compared. */
    static final Map<String, String> ONE_AT_A_TIME = Map.of("s3replicator.transfer.concurrency", "1");

    static long lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void a_pairs_report_gets_a_line_per_job_of_every_diff_and_keeps_them_across_restarts() throws Exception {
        String a = Buckets.create(src, "pair-report-src");
        String b = Buckets.create(dst, "pair-report-dst");
        Buckets.put(src, a, "one.txt", "1");
        Path report = state.resolve("reports/photos.csv");
        String yaml = PairsYaml.pair("photos", a, srcEndpoint, b, dstEndpoint, "report", report.toString(),
                "deletes", "true");

        try (RunningReplicator replicator = RunningReplicator.start(state, yaml, ONE_AT_A_TIME)) {
            assertThat(replicator.diff("photos").awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
            // A running process that has nothing more to do has its lines in the file within a second or so.
            RunningReplicator.await("the line of one.txt in the file", java.time.Duration.ofSeconds(5),
                    () -> lines(report) == 2);
        }
        Buckets.put(src, a, "two.txt", "22");
        src.deleteObject(d -> d.bucket(a).key("one.txt"));
        try (RunningReplicator replicator = RunningReplicator.start(state, yaml, ONE_AT_A_TIME)) {
            assertThat(replicator.diff("photos").awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
        }

        String etag1 = "c4ca4238a0b923820dcc509a6f75849b";
        String etag2 = "b6d767d2f8ed5d21a44b0e5886680cb9";
        assertThat(Files.readString(report, StandardCharsets.UTF_8).replaceAll("(?m),\\d+$", ",#")).isEqualTo(
                "Bucket,Key,VersionId,TaskStatus,ErrorCode,HTTPStatusCode,ResultMessage,Operation,Size,Outcome,"
                + "Reason,Path,SourceETag,DestinationBucket,DestinationKey,DestinationETag,DurationMs\n"
                + a + ",one.txt,,succeeded,,,Successful,COPY,1,COPIED,,relay," + etag1 + "," + b + ",one.txt," + etag1
                + ",#\n"
                + a + ",one.txt,,succeeded,,,Successful,DELETE,0,DELETED,,,," + b + ",one.txt,,#\n"
                + a + ",two.txt,,succeeded,,,Successful,COPY,2,COPIED,,relay," + etag2 + "," + b + ",two.txt," + etag2
                + ",#\n");
    }
}
