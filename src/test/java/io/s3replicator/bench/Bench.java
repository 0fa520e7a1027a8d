package io.s3replicator.bench;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import io.s3replicator.testing.LatencyProxy;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Benchmark harness (not a test; {@code mvn -Pbench package}). On loopback: two S3Mock
 * processes, seeded with many large and many small objects; then s3-replicator {@code sync} (the
 * launcher, as a user runs it), rclone and a plain SDK copy loop each copy them relayed (endpoint
 * to endpoint), server-side (within one endpoint) and once more as a no-op re-sync; a one-shot
 * sync of five objects (start-up included); and relayed copies through a {@link LatencyProxy} in
 * front of each endpoint, which adds a delay each way (a WAN on one machine). Every run is a child
 * process timed by /usr/bin/time (wall, CPU seconds, peak RSS). The emulator is CPU-bound, so the
 * ratios between tools from one run are what count, not absolute numbers.
 *
 * <p>Args: replicator jar, S3Mock exec jar, work directory. Sizes: -Dbench.large.count (20),
 * -Dbench.large.mib (64), -Dbench.small.count (2000), -Dbench.small.kib (16), -Dbench.concurrency (8);
 * WAN rows: -Dbench.wan.delays (ms each way, comma-separated: 40), -Dbench.wan.small.count (1000)
 * at -Dbench.wan.concurrency (64), -Dbench.wan.large.count (4).
 */
public final class Bench {
    record Result(String scenario, String dataset, String tool, int objects, long bytes, double wall, double cpu,
                  long peakRssKib, int exit) {
    }

    private static final String[] TOOLS = {"s3-replicator", "rclone", "sdk-loop"};
    private final Path replicatorJar;
    private final Path s3mockJar;
    private final Path work;
    private final int concurrency = Integer.getInteger("bench.concurrency", 8);
    private final List<Process> servers = new ArrayList<>();
    private final List<Result> results = new ArrayList<>();
    private final Map<String, String> remotes = new LinkedHashMap<>();
    private String endpointA;
    private String endpointB;

    private Bench(Path replicatorJar, Path s3mockJar, Path work) {
        this.replicatorJar = replicatorJar;
        this.s3mockJar = s3mockJar;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Bench bench = new Bench(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        try {
            bench.run();
        } finally {
            bench.stopServers();
        }
    }

    /** SIGTERM, then SIGKILL: an emulator left running would load the next run's machine. */
    private void stopServers() throws InterruptedException {
        servers.forEach(Process::destroy);
        for (Process p : servers) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        endpointA = startS3Mock("a");
        endpointB = startS3Mock("b");
        remotes.put(endpointA, "benchA");
        remotes.put(endpointB, "benchB");
        S3Client a = SdkCopyLoop.client(endpointA, 32);
        S3Client b = SdkCopyLoop.client(endpointB, 32);
        int largeCount = Integer.getInteger("bench.large.count", 20);
        int largeMib = Integer.getInteger("bench.large.mib", 64);
        int smallCount = Integer.getInteger("bench.small.count", 2000);
        int smallKib = Integer.getInteger("bench.small.kib", 16);
        int wanSmallCount = Integer.getInteger("bench.wan.small.count", 1000);
        int wanLargeCount = Integer.getInteger("bench.wan.large.count", 4);
        int wanConcurrency = Integer.getInteger("bench.wan.concurrency", 64);
        List<Integer> delays = Arrays.stream(System.getProperty("bench.wan.delays", "40").split(","))
                .map(String::trim).filter(d -> !d.isEmpty()).map(Integer::valueOf).toList();

        Dataset large = new Dataset(largeCount + " x " + largeMib + " MiB", "seed-large", largeCount,
                largeMib * 1024 * 1024);
        Dataset small = new Dataset(smallCount + " x " + smallKib + " KiB", "seed-small", smallCount, smallKib * 1024);
        Dataset handful = new Dataset("5 x 16 KiB", "seed-handful", 5, 16 * 1024);
        Dataset wanSmall = new Dataset(Math.min(wanSmallCount, smallCount) + " x " + smallKib + " KiB", "seed-wan-small",
                Math.min(wanSmallCount, smallCount), small.size());
        Dataset wanLarge = new Dataset(Math.min(wanLargeCount, largeCount) + " x " + largeMib + " MiB", "seed-wan-large",
                Math.min(wanLargeCount, largeCount), large.size());
        for (Dataset d : List.of(large, small, handful, wanSmall, wanLarge)) {
            a.createBucket(r -> r.bucket(d.bucket()));
            seed(a, d.bucket(), d.count(), d.size());
        }
        for (Dataset d : List.of(large, small)) {
            for (String tool : TOOLS) {
                String relayed = bucket(tool, "relay", d);
                b.createBucket(r -> r.bucket(relayed));
                results.add(time("relayed", d.name(), tool, d.count(), d.bytes(),
                        command(tool, endpointA, d.bucket(), endpointB, relayed, concurrency)));
                results.add(time("no-op re-sync", d.name(), tool, 0, 0,
                        command(tool, endpointA, d.bucket(), endpointB, relayed, concurrency)));
                empty(b, relayed);
                String local = bucket(tool, "local", d);
                a.createBucket(r -> r.bucket(local));
                results.add(time("server-side", d.name(), tool, d.count(), d.bytes(),
                        command(tool, endpointA, d.bucket(), endpointA, local, concurrency)));
                empty(a, local);
            }
        }
        for (String tool : TOOLS) {
            String target = bucket(tool, "handful", handful);
            b.createBucket(r -> r.bucket(target));
            results.add(time("one-shot sync", handful.name(), tool, handful.count(), handful.bytes(),
                    command(tool, endpointA, handful.bucket(), endpointB, target, concurrency)));
        }
        for (int delay : delays) {
            try (LatencyProxy toA = new LatencyProxy(port(endpointA), delay);
                 LatencyProxy toB = new LatencyProxy(port(endpointB), delay)) {
                remotes.put(toA.endpoint(), "wanA" + delay);
                remotes.put(toB.endpoint(), "wanB" + delay);
                String scenario = "relayed, " + 2 * delay + " ms RTT";
                for (Dataset d : List.of(wanSmall, wanLarge)) {
                    for (String tool : TOOLS) {
                        String target = bucket(tool, "wan" + delay, d);
                        b.createBucket(r -> r.bucket(target));
                        int c = d == wanSmall ? wanConcurrency : concurrency;
                        results.add(time(scenario + ", " + c + " at once", d.name(), tool, d.count(), d.bytes(),
                                command(tool, toA.endpoint(), d.bucket(), toB.endpoint(), target, c)));
                        empty(b, target);
                    }
                }
            }
        }
        print();
    }

    /** A data set in bucket {@code bucket} of endpoint A: {@code count} objects of {@code size} bytes. */
    private record Dataset(String name, String bucket, int count, int size) {
        long bytes() {
            return (long) count * size;
        }
    }

    private static String bucket(String tool, String scenario, Dataset d) {
        return (tool + "-" + scenario + "-" + d.bucket()).toLowerCase(Locale.ROOT);
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    private List<String> command(String tool, String srcEndpoint, String srcBucket, String dstEndpoint,
                                 String dstBucket, int concurrency) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return switch (tool) {
            // The launcher beside the jar (JVM flags and the class-data archive), as a user runs it.
            case "s3-replicator" -> List.of(replicatorJar.resolveSibling("s3-replicator").toString(), "sync",
                    "s3://" + srcBucket, "s3://" + dstBucket, "--source-endpoint", srcEndpoint, "--dest-endpoint",
                    dstEndpoint, "--path-style", "--concurrency", String.valueOf(concurrency), "--parts-in-flight",
                    String.valueOf(concurrency), "--progress", "0",
                    "--state-dir", work.resolve("state-" + dstBucket).toString());
            case "rclone" -> List.of("rclone", "copy", remote(srcEndpoint) + ":" + srcBucket,
                    remote(dstEndpoint) + ":" + dstBucket, "--transfers", String.valueOf(concurrency),
                    "--checkers", String.valueOf(concurrency), "--s3-upload-cutoff", "8M", "--s3-chunk-size", "8M",
                    "--s3-upload-concurrency", "4");
            // The shaded jar carries the SDK; test-classes carries the loop (exec:java has no classpath of its own).
            case "sdk-loop" -> List.of(java, "-cp", replicatorJar + File.pathSeparator
                    + replicatorJar.resolveSibling("test-classes"),
                    SdkCopyLoop.class.getName(), srcEndpoint, srcBucket, dstEndpoint, dstBucket,
                    String.valueOf(concurrency));
            default -> throw new IllegalArgumentException(tool);
        };
    }

    /** rclone's remote for an endpoint (configured through environment variables in {@link #time}). */
    private String remote(String endpoint) {
        return remotes.get(endpoint);
    }

    private Result time(String scenario, String dataset, String tool, int objects, long bytes, List<String> command)
            throws Exception {
        Path timing = Files.createTempFile(work, "time", ".txt");
        Path log = work.resolve("last-" + tool + ".log");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", timing.toString()));
        timed.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(timed).redirectErrorStream(true).redirectOutput(log.toFile());
        // rclone must not pick up a CA bundle meant for other tools; both mocks speak plain HTTP.
        pb.environment().remove("AWS_CA_BUNDLE");
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        for (var r : remotes.entrySet()) {
            String p = "RCLONE_CONFIG_" + r.getValue().toUpperCase(Locale.ROOT) + "_";
            pb.environment().put(p + "TYPE", "s3");
            pb.environment().put(p + "PROVIDER", "Other");
            pb.environment().put(p + "ENDPOINT", r.getKey());
            pb.environment().put(p + "ACCESS_KEY_ID", "test");
            pb.environment().put(p + "SECRET_ACCESS_KEY", "test");
            pb.environment().put(p + "REGION", "us-east-1");
            pb.environment().put(p + "FORCE_PATH_STYLE", "true");
        }
        int exit = pb.start().waitFor();
        // The last line is /usr/bin/time's (a non-zero exit adds one before it).
        String[] lines = Files.readString(timing).trim().split("\n");
        String[] t = lines[lines.length - 1].trim().split("\\s+");
        Result r = t.length == 4
                ? new Result(scenario, dataset, tool, objects, bytes, Double.parseDouble(t[0]),
                        Double.parseDouble(t[1]) + Double.parseDouble(t[2]), Long.parseLong(t[3]), exit)
                : new Result(scenario, dataset, tool, objects, bytes, 0, 0, 0, exit);
        System.out.printf(Locale.ROOT, "%-34s %-16s %-14s %7.1f s wall %7.1f s CPU %5d MiB RSS exit %d%n", scenario,
                dataset, tool, r.wall(), r.cpu(), r.peakRssKib() / 1024, exit);
        if (exit != 0) {
            System.out.println("  (see " + log + ")");
        }
        return r;
    }

    private void print() {
        System.out.println();
        System.out.println("| scenario | objects | tool | wall s | objects/s | MiB/s | CPU s | peak RSS MiB | ours/tool wall | ours/tool CPU |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            Result ours = results.stream().filter(o -> o.tool().equals("s3-replicator") && o.scenario().equals(r.scenario())
                    && o.dataset().equals(r.dataset())).findFirst().orElse(r);
            System.out.printf(Locale.ROOT, "| %s | %s | %s%s | %.1f | %.1f | %.1f | %.1f | %d | %s | %s |%n", r.scenario(),
                    r.dataset(), r.tool(), r.exit() == 0 ? "" : " (exit " + r.exit() + ")", r.wall(),
                    r.objects() / r.wall(), r.bytes() / 1048576.0 / r.wall(), r.cpu(), r.peakRssKib() / 1024,
                    r == ours ? "1.00" : String.format(Locale.ROOT, "%.2f", ours.wall() / r.wall()),
                    r == ours ? "1.00" : String.format(Locale.ROOT, "%.2f", ours.cpu() / Math.max(0.01, r.cpu())));
        }
        System.out.println("\n(ours/tool < 1: s3-replicator needed less; CPU and peak RSS are the copying process's,"
                + " not the emulators'.)");
    }

    /** Puts {@code count} distinct objects of {@code size} bytes into an existing bucket; any failed PUT fails the seed. */
    static void seed(S3Client s3, String bucket, int count, int size) throws Exception {
        byte[] base = new byte[size];
        new Random(7).nextBytes(base);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        for (var f : IntStream.range(0, count).mapToObj(i -> pool.submit(() -> {
            byte[] body = base.clone();
            body[0] = (byte) i;
            body[1] = (byte) (i >> 8);
            s3.putObject(r -> r.bucket(bucket).key(String.format("obj/%05d", i)), RequestBody.fromBytes(body));
        })).toList()) {
            f.get();
        }
        pool.shutdown();
        System.out.printf(Locale.ROOT, "seeded %s: %d x %d bytes in %.1f s%n", bucket, count, size,
                (System.nanoTime() - start) / 1e9);
    }

    private void empty(S3Client s3, String bucket) {
        List<ObjectIdentifier> page = new ArrayList<>();
        s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(o -> {
            page.add(ObjectIdentifier.builder().key(o.key()).build());
            if (page.size() == 1000) {
                s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(page)));
                page.clear();
            }
        });
        if (!page.isEmpty()) {
            s3.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(page)));
        }
    }

    private String startS3Mock(String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int httpsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            httpsPort = s.getLocalPort();
        }
        Path root = Files.createDirectories(work.resolve("s3mock-" + name));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx2g", "-Dhttp.port=" + port, "-Dserver.port=" + httpsPort,
                "-Dcom.adobe.testing.s3mock.store.root=" + root, "-Dcom.adobe.testing.s3mock.region=us-east-1",
                "-Dspring.main.banner-mode=off", "-jar", s3mockJar.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("s3mock-" + name + ".log").toFile()).start();
        servers.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return "http://127.0.0.1:" + port;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("S3Mock " + name + " exited; see its log in " + work);
                }
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("S3Mock " + name + " did not open port " + port);
    }
}
