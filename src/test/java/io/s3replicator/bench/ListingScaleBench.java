package io.s3replicator.bench;

import io.s3replicator.config.KeyFilter;
import io.s3replicator.config.PairFeatures;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.ReplicatorSettings;
import io.s3replicator.config.S3Uri;
import io.s3replicator.discover.DiffGuard;
import io.s3replicator.discover.PairDiffer;
import io.s3replicator.model.Job;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.store.S3Clients;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Listing benchmark (not a test): the real diff ({@link PairDiffer}, so {@code ParallelDiff} above one
 * listing thread, the sequential {@code OrderedDiff} at one) over a generated pair of buckets
 * ({@link SyntheticKeySpace}) served by two loopback endpoints ({@link SyntheticS3}) that wait a fixed
 * latency before each ListObjectsV2 answer. Each row (1, 4 and 16 listing threads by default) runs in
 * its own JVM with a bounded heap ({@code -Xmx}, far below what the listings would take if held); the row
 * measures its live heap with the platform MXBeans: the heap in use after a System.gc() (a full collection)
 * before the diff and every {@code bench.live-sample.ms} during it (5,000; 0 for none), and the time spent
 * in collections. The endpoints run in this JVM, on the
 * same cores; the table gives both processes' CPU seconds and the load average before each row.
 *
 * <p>The jobs found must be exactly the generated differences (by reason), and every object listed once;
 * a row that finds anything else fails the run (after the table is printed).
 *
 * <p>{@code mvn -B -o -Pbench package -Dbench.main=io.s3replicator.bench.ListingScaleBench}; sizes:
 * {@code -Dbench.keys} (1,000,000 positions), {@code -Dbench.threads} (1,4,16), {@code -Dbench.latency.ms}
 * (20 per request), {@code -Dbench.depth} (listing depth, 2 as the setting's default), {@code -Dbench.xmx}
 * (256m), {@code -Dbench.fanout} (16 folders a level), {@code -Dbench.levels} (3), {@code -Dbench.direct}
 * (8 objects directly in each upper folder), {@code -Dbench.differ} (0.02 of the positions have a job),
 * {@code -Dbench.page} (1000 keys a page).
 */
public final class ListingScaleBench {
    private static final String SOURCE_BUCKET = "scale-src";
    private static final String DESTINATION_BUCKET = "scale-dst";

    private ListingScaleBench() {
    }

    /** One row's figures: the child's ROW line and the endpoints' request counts. */
    record Row(int threads, Map<String, String> child, long requests, long delimited, double serverCpuSeconds,
               double load, Path output) {
        double seconds() {
            return Double.parseDouble(child.get("seconds"));
        }

        long sourceListed() {
            return Long.parseLong(child.get("sourceListed"));
        }

        double keysPerSecond() {
            return sourceListed() / seconds();
        }

        double mib(String name) {
            return Long.parseLong(child.get(name)) / (1024.0 * 1024.0);
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "row".equals(args[0])) {
            row(args);
            return;
        }
        long keys = Long.getLong("bench.keys", 1_000_000);
        int fanout = Integer.getInteger("bench.fanout", 16);
        int levels = Integer.getInteger("bench.levels", 3);
        int direct = Integer.getInteger("bench.direct", 8);
        double differ = Double.parseDouble(System.getProperty("bench.differ", "0.02"));
        long latency = Long.getLong("bench.latency.ms", 20);
        int depth = Integer.getInteger("bench.depth", 2);
        int page = Integer.getInteger("bench.page", 1000);
        String xmx = System.getProperty("bench.xmx", "256m");
        List<Integer> threadCounts = java.util.Arrays.stream(System.getProperty("bench.threads", "1,4,16").split(","))
                .map(String::trim).map(Integer::valueOf).toList();
        // The bench profile passes (jar, S3Mock jar, work directory), as for Bench.
        Path work = Files.createDirectories(Path.of(args.length >= 3 ? args[2] : "target/bench", "listing-scale"));

        SyntheticKeySpace space = new SyntheticKeySpace(keys, fanout, levels, direct, differ, 16);
        System.out.println("key space: " + space.describe());
        Map<SyntheticKeySpace.Variant, Long> expected = space.expectedJobs();
        long expectedJobs = expected.values().stream().mapToLong(Long::longValue).sum();
        long sourceObjects = space.count(true);
        long destinationObjects = space.count(false);
        System.out.printf(Locale.ROOT, "source %,d objects, destination %,d; expected jobs %,d: %s%n", sourceObjects,
                destinationObjects, expectedJobs, expected);
        System.out.printf(Locale.ROOT, "latency %d ms per ListObjectsV2, %d keys a page, listing depth %d, -Xmx%s per"
                + " row; one thread lists in %,d requests%n", latency, page, depth, xmx,
                (sourceObjects + page - 1) / page + (destinationObjects + page - 1) / page);

        List<Row> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        try (SyntheticS3 src = new SyntheticS3(SOURCE_BUCKET, space, true, latency);
             SyntheticS3 dst = new SyntheticS3(DESTINATION_BUCKET, space, false, latency)) {
            for (int threads : threadCounts) {
                src.resetCounts();
                dst.resetCounts();
                long cpu0 = processCpuNanos();
                double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                Path dir = work.resolve(threads + "-threads");
                Map<String, String> child = runChild(dir, xmx, src.endpoint(), dst.endpoint(), threads, depth, page);
                Row row = new Row(threads, child, src.listRequests.get() + dst.listRequests.get(),
                        src.delimitedRequests.get() + dst.delimitedRequests.get(),
                        (processCpuNanos() - cpu0) / 1e9, load, dir.resolve("output.txt"));
                rows.add(row);
                String wrong = check(row, expected, expectedJobs, sourceObjects, destinationObjects);
                if (wrong != null) {
                    System.out.println(wrong);
                    failures.add(wrong);
                }
                System.out.printf(Locale.ROOT, "%d listing threads: %,d jobs in %.1f s, %,.0f keys/s, %,d requests%n",
                        threads, Long.parseLong(child.get("jobs")), row.seconds(), row.keysPerSecond(), row.requests());
            }
        }
        System.out.println();
        System.out.println(table(rows, space, latency, xmx));
        if (!failures.isEmpty()) {
            throw new IllegalStateException(String.join("\n", failures));
        }
        System.exit(0);
    }

    /** A row must find exactly the generated differences and list every object once: null, else what is wrong. */
    private static String check(Row row, Map<SyntheticKeySpace.Variant, Long> expected, long expectedJobs,
                              long sourceObjects, long destinationObjects) {
        Map<String, String> c = row.child();
        List<String> wrong = new ArrayList<>();
        if (Long.parseLong(c.get("jobs")) != expectedJobs) {
            wrong.add("jobs " + c.get("jobs") + ", expected " + expectedJobs);
        }
        for (SyntheticKeySpace.Variant v : expected.keySet()) {
            long found = Long.parseLong(c.getOrDefault(v.job, "0"));
            if (found != expected.get(v)) {
                wrong.add(v.job + " " + found + ", expected " + expected.get(v));
            }
        }
        if (row.sourceListed() != sourceObjects) {
            wrong.add("source listed " + row.sourceListed() + ", expected " + sourceObjects);
        }
        if (Long.parseLong(c.get("destinationListed")) != destinationObjects) {
            wrong.add("destination listed " + c.get("destinationListed") + ", expected " + destinationObjects);
        }
        if (wrong.isEmpty()) {
            return null;
        }
        String died = "";
        try {
            if (Files.readString(row.output(), StandardCharsets.UTF_8).contains("OutOfMemoryError")) {
                died = " (its output shows an OutOfMemoryError: a listing thread died and its parts were never"
                        + " listed; raise -Dbench.xmx)";
            }
        } catch (java.io.IOException e) {
            died = " (" + e + ")";
        }
        return "FAILED: the diff at " + row.threads() + " listing threads did not find the generated differences: "
                + String.join("; ", wrong) + died + "; see " + row.output();
    }

    static String table(List<Row> rows, SyntheticKeySpace space, long latency, String xmx) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%,d keys, %d ms a request, -Xmx%s%n", space.positions(), latency, xmx));
        out.append("| listing threads | jobs | requests (delimited) | seconds | source keys/s | vs 1 thread"
                + " | live heap, max MiB | CPU s: diff (GC) / endpoints | load before |\n");
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        Row one = rows.stream().filter(r -> r.threads() == 1).findFirst().orElse(null);
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, "| %d | %,d | %,d (%,d) | %.1f | %,.0f | %s | %.0f | %.1f (%.1f) / %.1f | %.1f |%n",
                    r.threads(), Long.parseLong(r.child().get("jobs")), r.requests(), r.delimited(), r.seconds(),
                    r.keysPerSecond(), one == null ? "-" : String.format(Locale.ROOT, "%.2f",
                            r.keysPerSecond() / one.keysPerSecond()),
                    r.mib("liveMaxBytes"), Double.parseDouble(r.child().get("cpuSeconds")),
                    Double.parseDouble(r.child().get("gcSeconds")), r.serverCpuSeconds(), r.load()));
        }
        return out.toString();
    }

    static Map<String, String> runChild(Path dir, String xmx, String sourceEndpoint, String destinationEndpoint,
                                                int threads, int depth, int page) throws Exception {
        Files.createDirectories(dir);
        Path output = dir.resolve("output.txt");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-Dbench.live-sample.ms=" + Long.getLong("bench.live-sample.ms", 5000), "-cp", io.s3replicator.testing.WorkerProcess.classpath(), ListingScaleBench.class.getName(), "row",
                sourceEndpoint, destinationEndpoint, String.valueOf(threads), String.valueOf(depth),
                String.valueOf(page));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "bench");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "bench");
        pb.environment().put("AWS_REGION", "us-east-1");
        Process child = pb.start();
        if (!child.waitFor(2, TimeUnit.HOURS)) {
            child.destroyForcibly();
            throw new IllegalStateException("the row with " + threads + " listing threads did not end in 2 hours; see "
                    + output);
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        String line = printed.lines().filter(l -> l.startsWith("ROW ")).reduce((a, b) -> b).orElse(null);
        if (child.exitValue() != 0 || line == null) {
            throw new IllegalStateException("the row with " + threads + " listing threads failed (exit "
                    + child.exitValue() + "); see " + output + ":\n" + tail(printed, 40));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String field : line.substring(4).trim().split(" ")) {
            int eq = field.indexOf('=');
            values.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return values;
    }

    /**
     * The child: one diff of the pair through {@link PairDiffer}, as the diff route starts it, its jobs
     * counted and dropped; prints one ROW line.
     * Arguments: row SOURCE_ENDPOINT DESTINATION_ENDPOINT THREADS DEPTH PAGE.
     */
    static void row(String[] args) throws Exception {
        int threads = Integer.parseInt(args[3]);
        int depth = Integer.parseInt(args[4]);
        int page = Integer.parseInt(args[5]);
        ReplicationPair pair = pair(args[1], args[2]);
        // The process's defaults: transfer.concurrency 8, parts-in-flight 8, connections as the wiring sizes them.
        S3Clients clients = new S3Clients(8 * 2 + 8 * 2 + 8);
        Result r = diff(pair, clients, threads, depth, page, true);
        StringBuilder line = new StringBuilder("ROW");
        r.values().forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        clients.close();
        System.exit(0);
    }

    static ReplicationPair pair(String sourceEndpoint, String destinationEndpoint) {
        return new ReplicationPair("scale",
                S3Uri.parse("source", "s3://" + SOURCE_BUCKET + "?endpoint=" + sourceEndpoint + "&pathStyle=true"),
                S3Uri.parse("destination", "s3://" + DESTINATION_BUCKET + "?endpoint=" + destinationEndpoint
                        + "&pathStyle=true"),
                KeyFilter.ALL, false, PairFeatures.syncDeletes(true, true));
    }

    /** What one diff found and cost. */
    record Result(Map<String, Long> jobsByReason, long jobs, long sourceListed, long destinationListed,
                  double seconds, long liveMaxBytes, double gcSeconds, double cpuSeconds) {
        Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("jobs", String.valueOf(jobs));
            jobsByReason.forEach((k, n) -> v.put(k, String.valueOf(n)));
            v.put("sourceListed", String.valueOf(sourceListed));
            v.put("destinationListed", String.valueOf(destinationListed));
            v.put("seconds", String.format(Locale.ROOT, "%.3f", seconds));
            v.put("liveMaxBytes", String.valueOf(liveMaxBytes));
            v.put("gcSeconds", String.format(Locale.ROOT, "%.2f", gcSeconds));
            v.put("cpuSeconds", String.format(Locale.ROOT, "%.2f", cpuSeconds));
            v.put("maxHeapBytes", String.valueOf(Runtime.getRuntime().maxMemory()));
            return v;
        }
    }

    /**
     * One diff of the pair by the real {@link PairDiffer} with {@code threads} listing threads; each job
     * is counted by reason and dropped, or kept (as "REASON key") in {@code keep} when it is not null.
     *
     * @param measureHeap sample the live heap with System.gc() calls (the child's own JVM only)
     */
    static Result diff(ReplicationPair pair, S3Clients clients, int threads, int depth, int page, boolean measureHeap)
            throws Exception {
        return diff(pair, clients, threads, depth, page, measureHeap, null);
    }

    static Result diff(ReplicationPair pair, S3Clients clients, int threads, int depth, int page, boolean measureHeap,
                       List<String> keep) throws Exception {
        PairRegistry pairs = new PairRegistry();
        pairs.register(pair);
        RunRegistry runs = new RunRegistry();
        ReplicatorSettings settings = new ReplicatorSettings("seda:jobs", 8, 8L << 20, 1L << 30, 8L << 20, 8, page);
        PairDiffer differ = new PairDiffer(pairs, runs, clients, settings, DiffGuard.none())
                .listingInParallel(threads, depth);
        // The clients are built before the clock starts, as at a process's start-up.
        clients.client("source", pair.source().endpoint());
        clients.client("destination", pair.destination().endpoint());
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getIn().setHeader(PairDiffer.PAIR_ID, pair.id());
            HeapWatch heap = measureHeap ? HeapWatch.start(Long.getLong("bench.live-sample.ms", 5000)) : null;
            long cpu0 = processCpuNanos();
            long gc0 = gcMillis();
            long t0 = System.nanoTime();
            differ.start(exchange);
            @SuppressWarnings("unchecked")
            Iterator<Job> jobs = exchange.getIn().getBody(Iterator.class);
            Map<String, Long> byReason = new TreeMap<>();
            long count = 0;
            while (jobs.hasNext()) {
                Job job = jobs.next();
                count++;
                byReason.merge(job.reason().name(), 1L, Long::sum);
                if (keep != null) {
                    keep.add(job.reason().name() + " " + job.key());
                }
            }
            differ.finished(exchange);
            if (heap != null) {
                heap.close();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (processCpuNanos() - cpu0) / 1e9;
            double gc = (gcMillis() - gc0) / 1e3;
            RunStats stats = runs.get(exchange.getIn().getHeader(PairDiffer.RUN_ID, String.class));
            if (stats.diffError() != null) {
                throw new IllegalStateException("the diff failed: " + stats.diffError());
            }
            return new Result(byReason, count, stats.sourceListed.sum(), stats.destinationListed.sum(), seconds,
                    heap == null ? 0 : heap.liveMaxBytes(), gc, cpu);
        }
    }

    /**
     * The live heap of a diff, sampled: a System.gc() (a full collection) before the diff and every
     * {@code intervalMillis} during it, and the heap in use after each.
     */
    static final class HeapWatch implements AutoCloseable {
        private final Thread sampler;
        private volatile long liveMax;
        private volatile boolean stopped;

        private HeapWatch(long intervalMillis) {
            System.gc();
            liveMax = used();
            sampler = new Thread(() -> {
                while (!stopped) {
                    try {
                        Thread.sleep(intervalMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.gc();
                    liveMax = Math.max(liveMax, used());
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            if (intervalMillis > 0) {
                sampler.start();
            }
        }

        static HeapWatch start(long intervalMillis) {
            return new HeapWatch(intervalMillis);
        }

        private static List<MemoryPoolMXBean> heapPools() {
            return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        }

        private static long used() {
            return heapPools().stream().mapToLong(p -> p.getUsage().getUsed()).sum();
        }

        long liveMaxBytes() {
            return liveMax;
        }

        @Override
        public void close() {
            stopped = true;
            sampler.interrupt();
        }
    }

    /** Time the JVM spent in collections so far (the samples' own full collections included). */
    static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime()))
                .sum();
    }

    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }


    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
