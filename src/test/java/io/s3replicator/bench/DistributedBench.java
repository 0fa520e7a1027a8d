package io.s3replicator.bench;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.S3MockServers;
import io.s3replicator.testing.WorkerProcess;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Distributed-mode benchmark (not a test): N worker processes on one machine share one SQS
 * queue (ElasticMQ) and DynamoDB state (DynamoDB Local), all emulators in this JVM. Every
 * worker fires the same one-shot Quartz trigger; the diff lease lets one of them diff. Measured:
 * jobs/s from the trigger until the destination holds every object and the queue is empty,
 * duplicate PUTs, and requests per object by service, summed over the workers' own counts.
 * Runs 1 worker, then 3, and prints the ratio.
 *
 * <p>{@code mvn -B -Pbench package -Dbench.main=io.s3replicator.bench.DistributedBench};
 * sizes: -Dbench.objects (1000), -Dbench.kib (16), -Dbench.concurrency (8 per worker),
 * -Dbench.workers (3).
 */
public final class DistributedBench {
    record Result(int workers, int objects, double seconds, long putObjects, long duplicateSkips,
                  Map<String, Long> requests) {
        double jobsPerSecond() {
            return objects / seconds;
        }

        double perObject(String service) {
            // The count of receives that brought messages is a subset of the receives, not more requests.
            return requests.entrySet().stream().filter(e -> e.getKey().startsWith(service + " "))
                    .filter(e -> !e.getKey().equals(io.s3replicator.testing.RequestCounts.RECEIVES_WITH_MESSAGES))
                    .mapToLong(Map.Entry::getValue).sum() / (double) objects;
        }
    }

    private DistributedBench() {
    }

    public static void main(String[] args) throws Exception {
        int objects = Integer.getInteger("bench.objects", 1000);
        int kib = Integer.getInteger("bench.kib", 16);
        int concurrency = Integer.getInteger("bench.concurrency", 8);
        int many = Integer.getInteger("bench.workers", 3);
        // The bench profile passes (jar, S3Mock jar, work directory), as for Bench.
        Path work = Files.createDirectories(Path.of(args.length >= 3 ? args[2] : "target/bench", "distributed"));

        String srcEndpoint = S3MockServers.sourceEndpoint();
        String dstEndpoint = S3MockServers.destinationEndpoint();
        S3Client src = S3MockServers.client(srcEndpoint);
        S3Client dst = S3MockServers.client(dstEndpoint);
        String sourceBucket = Buckets.create(src, "dist-bench-src");
        Bench.seed(src, sourceBucket, objects, kib * 1024);
        System.out.printf("seeded %d objects of %d KiB%n", objects, kib);

        List<Result> results = new ArrayList<>();
        for (int workers : new int[] {1, many}) {
            results.add(runOnce(work.resolve(workers + "-workers"), workers, objects, concurrency, src, dst,
                    srcEndpoint, dstEndpoint, sourceBucket));
            System.out.println(describe(results.get(results.size() - 1)));
        }
        System.out.println();
        System.out.println("workers objects seconds  jobs/s  PUTs dup-skips  SQS/obj DynamoDB/obj  S3/obj");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%7d %7d %7.1f %7.1f %5d %9d %8.2f %12.2f %7.2f%n", r.workers(), r.objects(),
                    r.seconds(), r.jobsPerSecond(), r.putObjects(), r.duplicateSkips(), r.perObject("Sqs"),
                    r.perObject("DynamoDb"), r.perObject("S3"));
        }
        System.out.printf(Locale.ROOT, "ratio jobs/s %d workers vs 1: %.2f%n", many,
                results.get(1).jobsPerSecond() / results.get(0).jobsPerSecond());
        System.exit(0);
    }

    static Result runOnce(Path dir, int workers, int objects, int concurrency, S3Client src, S3Client dst,
                          String srcEndpoint, String dstEndpoint, String sourceBucket) throws Exception {
        String destinationBucket = Buckets.create(dst, "dist-bench-dst");
        SqsClient sqs = ElasticMq.client();
        String queue = ElasticMq.uniqueName("bench-jobs");
        String queueUrl = ElasticMq.createWithDlq(sqs, queue, queue + "-dlq", 5, 60);
        String tables = ElasticMq.uniqueName("bench");
        Map<String, String> properties = DistributedSetup.properties(queue, tables);
        // Created by the test above, as an operator would: N workers need not race to create them.
        properties.put("s3replicator.sqs.create-queues", "false");
        properties.put("s3replicator.sqs.wait-seconds", "2");
        properties.put("s3replicator.transfer.concurrency", String.valueOf(concurrency));

        // Tables first, by one worker alone: N workers creating the same table at once would race.
        LocalDateTime fire = LocalDateTime.now().plusSeconds(15L + 6L * workers);
        String routes = """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: bench
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: destination, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: schedule, value: "%d %d %d %d %d ? %d"}
                """.formatted(sourceBucket, srcEndpoint, destinationBucket, dstEndpoint, fire.getSecond(),
                fire.getMinute(), fire.getHour(), fire.getDayOfMonth(), fire.getMonthValue(), fire.getYear());
        List<WorkerProcess> started = new ArrayList<>();
        try {
            for (int i = 0; i < workers; i++) {
                started.add(WorkerProcess.start(dir.resolve("worker-" + i), routes, properties));
                if (i == 0) {
                    Thread.sleep(5_000);
                }
            }
            long fireMillis = fire.atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli();
            while (System.currentTimeMillis() < fireMillis) {
                Thread.sleep(100);
            }
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.MINUTES.toNanos(15);
            while (Buckets.keys(dst, destinationBucket).size() < objects || ElasticMq.depth(sqs, queueUrl) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not done within 15 minutes; see " + dir);
                }
                for (WorkerProcess w : started) {
                    if (!w.isAlive()) {
                        throw new IllegalStateException("a worker exited: " + w.output());
                    }
                }
                Thread.sleep(250);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (WorkerProcess w : started) {
                w.close();
            }
            Map<String, Long> requests = new TreeMap<>();
            long duplicateSkips = 0;
            for (WorkerProcess w : started) {
                w.requestCounts().forEach((k, v) -> requests.merge(k, v, Long::sum));
                duplicateSkips += w.output().lines().filter(l -> l.contains("duplicate of a job in flight")).count();
            }
            return new Result(workers, objects, seconds, requests.getOrDefault("S3 PutObject", 0L), duplicateSkips,
                    requests);
        } finally {
            for (WorkerProcess w : started) {
                w.kill();
            }
        }
    }

    static String describe(Result r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%d worker(s): %d objects in %.1f s (%.1f jobs/s)%n",
                r.workers(), r.objects(), r.seconds(), r.jobsPerSecond()));
        r.requests().forEach((k, v) -> s.append(String.format(Locale.ROOT, "  %-40s %7d  %.2f/object%n", k, v,
                v / (double) r.objects())));
        return s.toString();
    }
}
