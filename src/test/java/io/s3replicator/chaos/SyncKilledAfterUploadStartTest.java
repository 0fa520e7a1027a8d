package io.s3replicator.chaos;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.RequestCounts;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code sync} killed (SIGKILL) just after it started a multipart upload and recorded it in
 * its embedded state (found while building ChaosTest): H2 kept committed changes in memory for
 * up to half a second (its default write delay), so the upload's checkpoint died with the
 * process, the next run started a second upload and the first stayed open at the destination,
 * with whatever parts it had, never swept (only recorded uploads are). Now every commit reaches
 * the file before the statement returns, and the next run resumes the upload.
 */
class SyncKilledAfterUploadStartTest extends TwoEndpoints {
    static final long MIB = 1024 * 1024;

    @Test
    void a_sync_killed_right_after_it_started_an_upload_resumes_that_upload_and_leaves_none_open() throws Exception {
        String a = Buckets.create(src, "killed-src");
        String b = Buckets.create(dst, "killed-dst");
        byte[] body = new byte[(int) (3 * 8 * MIB)];
        new Random(5).nextBytes(body);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(body));
        Path stateDir = state.resolve("state");

        Path firstDir = state.resolve("first");
        Path log = firstDir.resolve("requests.log");
        try (WorkerProcess first = sync(a, b, firstDir, stateDir)) {
            // The first part is read right after the upload was recorded: kill then.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!readingAPart(RequestCounts.readLog(log))) {
                assertThat(first.isAlive()).as(first.output()).isTrue();
                assertThat(System.nanoTime()).as("no part sent:\n" + first.output()).isLessThan(deadline);
                Thread.sleep(5);
            }
            first.kill();
        }
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).as("killed mid-upload").hasSize(1);

        Path secondDir = state.resolve("second");
        try (WorkerProcess second = sync(a, b, secondDir, stateDir)) {
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).as(second.output()).isZero();
        }
        assertThat(RequestCounts.readLog(secondDir.resolve("requests.log")))
                .as("the second run resumed the upload the first one recorded")
                .noneMatch(e -> "CreateMultipartUpload".equals(e.operation()));
        assertThat(ChaosObjects.md5(dst, b, "big.bin")).isEqualTo(ChaosObjects.md5(src, a, "big.bin"));
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).as("uploads left open").isEmpty();
    }

    /** A GetObject after the CreateMultipartUpload: the first part's ranged read. */
    static boolean readingAPart(List<RequestCounts.Entry> sent) {
        boolean created = false;
        for (RequestCounts.Entry e : sent) {
            created |= "CreateMultipartUpload".equals(e.operation());
            if (created && "GetObject".equals(e.operation())) {
                return true;
            }
        }
        return false;
    }

    WorkerProcess sync(String a, String b, Path dir, Path stateDir) throws Exception {
        return WorkerProcess.command(dir, List.of("-D" + RequestCounts.LOG_PROPERTY + "=" + dir.resolve("requests.log"),
                        ChaosTest.QUICK_START),
                "sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint, "--dest-endpoint", dstEndpoint,
                "--path-style", "--state-dir", stateDir.toString(), "--progress", "0", "--part-size", "8MiB");
    }
}
