package io.s3replicator.chaos;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.s3replicator.testing.Buckets;

/**
 * The objects of a chaos run, all derived from one seed: many small ones and a few large ones,
 * the large ones at keys early in the listing so the processes that get killed are busy with them.
 * Their bytes are generated on the fly (never held whole), the same bytes for the same seed.
 */
final class ChaosObjects {
    static final long MIB = 1024 * 1024;

    /** One object: its key, size and the seed of its bytes. */
    record Spec(String key, long size, long seed) {
        InputStream content() {
            return new Generated(size, seed);
        }
    }

    private ChaosObjects() {
    }

    /**
     * @param small      small objects, keys {@code chaos/00000.dat}...
     * @param smallMax   their largest size in bytes (sizes are uniform in 0..smallMax)
     * @param large      large objects, keys {@code chaos/NNNNN-large-J.bin} within the first twentieth of the
     *                   listing, so they are all in progress while the first processes are killed
     * @param largeBytes their size, plus up to 1 MiB so the last part is a partial one
     */
    static List<Spec> plan(Random random, int small, int smallMax, int large, long largeBytes) {
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < small; i++) {
            specs.add(new Spec("chaos/%05d.dat".formatted(i), random.nextInt(smallMax + 1), random.nextLong()));
        }
        for (int j = 0; j < large; j++) {
            int position = random.nextInt(Math.max(1, small / 20));
            specs.add(new Spec("chaos/%05d-large-%d.bin".formatted(position, j),
                    largeBytes + random.nextInt((int) MIB), random.nextLong()));
        }
        specs.sort(Comparator.comparing(Spec::key));
        return specs;
    }

    static long bytes(List<Spec> specs) {
        return specs.stream().mapToLong(Spec::size).sum();
    }

    /** Writes every object into {@code bucket}, {@code threads} at a time. */
    static void seed(S3Client s3, String bucket, List<Spec> specs, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (Spec spec : specs) {
                puts.add(pool.submit(() -> s3.putObject(b -> b.bucket(bucket).key(spec.key()),
                        RequestBody.fromContentProvider(spec::content, spec.size(), "application/octet-stream"))));
            }
            for (Future<?> put : puts) {
                put.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The MD5 of the bytes of every object in {@code bucket}, by key, read {@code threads} at a time. */
    static Map<String, String> md5s(S3Client s3, String bucket, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Map<String, Future<String>> digests = new TreeMap<>();
            for (S3Object o : Buckets.list(s3, bucket)) {
                digests.put(o.key(), pool.submit(() -> md5(s3, bucket, o.key())));
            }
            Map<String, String> out = new TreeMap<>();
            for (var e : digests.entrySet()) {
                out.put(e.getKey(), e.getValue().get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static String md5(S3Client s3, String bucket, String key) {
        MessageDigest md5 = md5();
        byte[] buf = new byte[1 << 16];
        try (ResponseInputStream<?> in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md5.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Pseudo-random bytes (xorshift64) from a seed, generated as they are read. */
    static final class Generated extends InputStream {
        private long left;
        private long x;
        private long word;
        private int wordLeft;

        Generated(long size, long seed) {
            this.left = size;
            this.x = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
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
                if (wordLeft == 0) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    word = x;
                    wordLeft = 8;
                }
                b[off + i] = (byte) word;
                word >>>= 8;
                wordLeft--;
            }
            left -= n;
            return n;
        }
    }
}
