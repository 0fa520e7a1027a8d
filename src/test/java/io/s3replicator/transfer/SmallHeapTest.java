package io.s3replicator.transfer;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.S3MockServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker process with a 64 MiB heap relays an object four times that size: part data in
 * memory is bounded by parts in flight x part size, never by the object. The heap is read
 * from the child's own GC log, so the number is what the JVM saw, not an estimate.
 */
class SmallHeapTest {
    static final long MIB = 1024 * 1024;
    static final long OBJECT_SIZE = 256 * MIB;
    static final int HEAP_MIB = 64;
    private static final Pattern GC = Pattern.compile("\\) (\\d+)M->(\\d+)M\\(\\d+M\\)");

    @TempDir
    Path dir;

    /** Deterministic pseudo-random bytes, generated on the fly so the test JVM never holds the object. */
    static final class Generated extends InputStream {
        private long left;
        private long x = 0x9E3779B97F4A7C15L;
        private final MessageDigest md5;

        Generated(long size) throws Exception {
            this.left = size;
            this.md5 = MessageDigest.getInstance("MD5");
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b[off + i] = (byte) x;
            }
            md5.update(b, off, n);
            left -= n;
            return n;
        }

        String hex() {
            return HexFormat.of().formatHex(md5.digest());
        }
    }

    static String md5Of(S3Client s3, String bucket, String key) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buf = new byte[1 << 16];
        try (ResponseInputStream<?> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md5.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    @Test
    void a_worker_with_a_small_heap_relays_an_object_several_times_larger_than_its_heap() throws Exception {
        String srcEndpoint = S3MockServers.sourceEndpoint();
        String dstEndpoint = S3MockServers.destinationEndpoint();
        S3Client src = S3MockServers.client(srcEndpoint);
        S3Client dst = S3MockServers.client(dstEndpoint);
        String a = Buckets.create(src, "heap-src");
        String b = Buckets.create(dst, "heap-dst");
        Generated body = new Generated(OBJECT_SIZE);
        src.putObject(r -> r.bucket(a).key("huge.bin"),
                RequestBody.fromContentProvider(() -> body, OBJECT_SIZE, "application/octet-stream"));
        String sourceMd5 = body.hex();

        Path gcLog = dir.resolve("gc.log");
        Path out = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + HEAP_MIB + "m", "-Xlog:gc:file=" + gcLog,
                "-cp", System.getProperty("java.class.path"), "io.s3replicator.Application",
                "sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint, "--dest-endpoint", dstEndpoint,
                "--path-style", "--state-dir", dir.resolve("state").toString(), "--progress", "0",
                "--part-size", "8MiB", "--parts-in-flight", "2", "--concurrency", "2"))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        Process child = pb.start();
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child finished").isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);

        assertThat(child.exitValue()).as(printed).isZero();
        assertThat(printed).contains("copied    1 objects, 256.0 MiB");
        assertThat(md5Of(dst, b, "huge.bin")).isEqualTo(sourceMd5);
        long[] heap = heapMib(gcLog);
        System.err.printf("small heap: -Xmx%dm relayed %d MiB; heap at GC peaked at %d MiB, live after GC at most %d MiB%n",
                HEAP_MIB, OBJECT_SIZE / MIB, heap[0], heap[1]);
        assertThat(heap[0]).isPositive().isLessThanOrEqualTo(HEAP_MIB);
        // Live data stays far below the object: 2 parts in flight x 8 MiB plus the application.
        assertThat(heap[1]).isLessThan(OBJECT_SIZE / MIB / 4);
    }

    /** The largest heap occupancy any GC saw, and the largest left live after one ("B->AM" in -Xlog:gc lines). */
    static long[] heapMib(Path gcLog) throws IOException {
        long[] peak = new long[2];
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC.matcher(line);
            if (m.find()) {
                peak[0] = Math.max(peak[0], Long.parseLong(m.group(1)));
                peak[1] = Math.max(peak[1], Long.parseLong(m.group(2)));
            }
        }
        return peak;
    }
}
