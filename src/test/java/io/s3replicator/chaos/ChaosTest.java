package io.s3replicator.chaos;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash and restart (issue 11, item 8): the replicator is killed with SIGKILL at random moments
 * while it copies many small objects and a few large ones, restarted each time, and run once
 * more to the end. Then both buckets hold the same keys with the same bytes (MD5 of what a GET
 * returns, not ETags), no multipart upload is left open at the destination, and after each kill
 * at most the parts that were in flight ({@code parts-in-flight}) and the objects that were in
 * flight ({@code concurrency}) are sent again: every finished part and object survives the kill.
 *
 * <p>The default suite runs a short version ({@code sync} killed 3 times). {@code mvn -B verify
 * -Pchaos} runs the full size, tagged {@code chaos}: a few thousand small objects and three of
 * several hundred MiB, {@code sync} killed 10 times, and a distributed-mode {@code run} worker
 * (SQS on ElasticMQ, state in DynamoDB Local) killed and restarted 10 times. Kill moments come
 * from one seed, printed; {@code -Dchaos.seed=N} repeats a run.
 */
class ChaosTest extends TwoEndpoints {
    static final long SEED = Long.getLong("chaos.seed", 20_250_611L);
    static final long PART_SIZE = 8 * ChaosObjects.MIB;

    /**
     * @param killMinMillis a kill lands this long after the process's first write to the destination, at least
     * @param killMaxMillis and at most; the put delay x small objects / concurrency is well above kills x this
     */
    record Size(int small, int smallMax, int large, long largeBytes, int kills, int concurrency, int partsInFlight,
                long partDelayMillis, long putDelayMillis, long killMinMillis, long killMaxMillis) {
        /** Killed processes: slowed down, and JIT level 1 only (half the CPU of starting a JVM; they live seconds). */
        List<String> slowDown() {
            return List.of("-Ds3replicator.test.part-delay-ms=" + partDelayMillis,
                    "-Ds3replicator.test.put-delay-ms=" + putDelayMillis, QUICK_START);
        }

        /** The final process: no delays; the full size moves hundreds of MiB, worth the full JIT. */
        List<String> finalRun() {
            return largeBytes > 100 * ChaosObjects.MIB ? List.of() : List.of(QUICK_START);
        }
    }

    static final String QUICK_START = "-XX:TieredStopAtLevel=1";
    static final Size SHORT = new Size(300, 16 * 1024, 1, 40 * ChaosObjects.MIB, 3, 4, 2, 600, 100, 500, 2000);
    static final Size FULL = new Size(3000, 32 * 1024, 3, 300 * ChaosObjects.MIB, 10, 8, 4, 400, 100, 500, 2500);

    /**
     * The emulators log every connection a killed process drops (S3Mock, with a stack trace) and
     * every conditional write that lost (DynamoDB Local): thousands of expected lines. Quiet while
     * these tests run; the levels are restored for the other tests in this JVM.
     */
    static final List<String> NOISY = List.of("com.adobe.testing.s3mock.service.ServiceBase",
            "com.adobe.testing.s3mock.S3MockConfiguration", "com.amazonaws.services.dynamodbv2.local.server");
    static final Map<String, Level> LEVELS = new HashMap<>();

    @BeforeAll
    static void quiet() {
        for (String name : NOISY) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            LEVELS.put(name, logger.getLevel());
            logger.setLevel(Level.OFF);
        }
    }

    @AfterAll
    static void restore() {
        LEVELS.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    @Test
    void a_sync_killed_three_times_then_run_to_the_end_leaves_the_buckets_byte_identical() throws Exception {
        sync("sync (short)", SHORT);
    }

    @Test
    @Tag("chaos")
    void full_size_a_sync_killed_ten_times_then_run_to_the_end_leaves_the_buckets_byte_identical() throws Exception {
        sync("sync", FULL);
    }

    @Test
    @Tag("chaos")
    void full_size_a_distributed_worker_killed_and_restarted_ten_times_leaves_the_buckets_byte_identical()
            throws Exception {
        Random random = new Random(SEED);
        System.err.println("chaos seed " + SEED + " (repeat with -Dchaos.seed=" + SEED + ")");
        List<ChaosObjects.Spec> specs = ChaosObjects.plan(random, FULL.small(), FULL.smallMax(), FULL.large(),
                FULL.largeBytes());
        String a = Buckets.create(src, "chaos-src");
        String b = Buckets.create(dst, "chaos-dst");
        long t0 = System.nanoTime();
        ChaosObjects.seed(src, a, specs, 4);
        System.err.printf(Locale.ROOT, "chaos: seeded %d objects in %.1f s%n", specs.size(), (System.nanoTime() - t0) / 1e9);

        SqsClient sqs = ElasticMq.client();
        String queue = ElasticMq.uniqueName("chaos");
        Map<String, String> properties = DistributedSetup.properties(queue, ElasticMq.uniqueName("chaos"));
        properties.put("s3replicator.transfer.concurrency", String.valueOf(FULL.concurrency()));
        properties.put("s3replicator.transfer.parts-in-flight", String.valueOf(FULL.partsInFlight()));
        // Short timeouts so a dead worker's messages, claims and diff lease come back within seconds.
        properties.put("s3replicator.sqs.visibility-timeout", "5");
        properties.put("s3replicator.diff.lease-ttl", "10");
        properties.put("s3replicator.state.in-flight-ttl", "15");
        // A job in hand at every kill is received once per worker: the default 5 receives would
        // send a large object's job to the DLQ as poison after the fifth crash.
        properties.put("s3replicator.sqs.max-receives", String.valueOf(2 * FULL.kills() + 5));
        String routes = """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: chaos
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: destination, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: schedule, value: "0/15 * * * * ?"}
                """.formatted(a, srcEndpoint, b, dstEndpoint);

        ChaosRun run = new ChaosRun(state.resolve("processes"), b, random,
                (i, dir, jvmArgs) -> WorkerProcess.start(dir, routes, properties, jvmArgs.toArray(String[]::new)));
        run.killRepeatedly(FULL.kills(), FULL.slowDown(), FULL.killMinMillis(), FULL.killMaxMillis());
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        long[] lastLook = {0};
        // Done when every key is there (a large one only once its upload completed) and the queue is empty.
        run.finish(FULL.finalRun(), p -> {
            if (System.nanoTime() - lastLook[0] < TimeUnit.SECONDS.toNanos(2)) {
                return false;
            }
            lastLook[0] = System.nanoTime();
            assertThat(p.isAlive()).as("the final worker is running").isTrue();
            return Buckets.keys(dst, b).size() == specs.size() && ElasticMq.depth(sqs, url) == 0;
        }, 420);

        verify("distributed run", FULL, specs, a, b, run);
        String dlq = sqs.getQueueUrl(r -> r.queueName(queue + "-dlq")).queueUrl();
        assertThat(ElasticMq.depth(sqs, dlq)).as("nothing in the DLQ").isZero();
        assertThat(ElasticMq.depth(sqs, url)).as("nothing left on the job queue").isZero();
    }

    void sync(String mode, Size size) throws Exception {
        Random random = new Random(SEED);
        System.err.println("chaos seed " + SEED + " (repeat with -Dchaos.seed=" + SEED + ")");
        List<ChaosObjects.Spec> specs = ChaosObjects.plan(random, size.small(), size.smallMax(), size.large(),
                size.largeBytes());
        String a = Buckets.create(src, "chaos-src");
        String b = Buckets.create(dst, "chaos-dst");
        long t0 = System.nanoTime();
        ChaosObjects.seed(src, a, specs, 4);
        System.err.printf(Locale.ROOT, "chaos: seeded %d objects in %.1f s%n", specs.size(), (System.nanoTime() - t0) / 1e9);

        Path stateDir = state.resolve("sync-state");
        ChaosRun run = new ChaosRun(state.resolve("processes"), b, random, (i, dir, jvmArgs) ->
                WorkerProcess.command(dir, jvmArgs, "sync", "s3://" + a, "s3://" + b,
                        "--source-endpoint", srcEndpoint, "--dest-endpoint", dstEndpoint, "--path-style",
                        "--state-dir", stateDir.toString(), "--progress", "0",
                        "--concurrency", String.valueOf(size.concurrency()),
                        "--parts-in-flight", String.valueOf(size.partsInFlight()),
                        "--part-size", PART_SIZE / ChaosObjects.MIB + "MiB"));
        run.killRepeatedly(size.kills(), size.slowDown(), size.killMinMillis(), size.killMaxMillis());
        WorkerProcess last = run.finish(size.finalRun(), p -> {
            try {
                return p.waitFor(1, TimeUnit.SECONDS) != null;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }, 420);
        String output = last.output();
        assertThat(last.waitFor(0, TimeUnit.SECONDS)).as("the final sync's exit code:\n" + output).isZero();
        assertThat(output).contains("in step");
        verify(mode, size, specs, a, b, run);
    }

    void verify(String mode, Size size, List<ChaosObjects.Spec> specs, String a, String b, ChaosRun run)
            throws Exception {
        long t0 = System.nanoTime();
        Map<String, String> source = ChaosObjects.md5s(src, a, 4);
        Map<String, String> destination = ChaosObjects.md5s(dst, b, 4);
        System.err.printf(Locale.ROOT, "chaos: read both buckets in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(source).hasSize(specs.size());
        TreeSet<String> missing = new TreeSet<>(source.keySet());
        missing.removeAll(destination.keySet());
        TreeSet<String> extra = new TreeSet<>(destination.keySet());
        extra.removeAll(source.keySet());
        List<String> different = source.keySet().stream()
                .filter(k -> destination.containsKey(k) && !source.get(k).equals(destination.get(k))).toList();
        ChaosRun.Analysis sent = ChaosRun.analyse(run.lives(), b);
        long partsNeeded = specs.stream().filter(s -> s.size() > PART_SIZE)
                .mapToLong(s -> (s.size() + PART_SIZE - 1) / PART_SIZE).sum();
        List<MultipartUpload> open = dst.listMultipartUploads(r -> r.bucket(b)).uploads();
        List<String> openWithParts = open.stream().filter(u -> !dst.listParts(r -> r.bucket(b).key(u.key())
                .uploadId(u.uploadId())).parts().isEmpty()).map(u -> u.key() + " " + u.uploadId()).toList();
        String figures = figures(mode, size, specs, run, sent, partsNeeded, open.size());
        System.err.print(figures);
        Files.writeString(Path.of("target", "chaos-figures.txt"), figures, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);

        assertThat(missing).as("keys missing at the destination").isEmpty();
        assertThat(extra).as("keys only at the destination").isEmpty();
        assertThat(different).as("keys whose bytes differ").isEmpty();
        assertThat(openWithParts).as("incomplete uploads holding parts at the destination").isEmpty();
        // Known gap (README): a process killed between CreateMultipartUpload and writing the
        // upload's checkpoint leaves an empty upload nothing records; S3 lists no metadata that
        // proves it ours, so it is left to the bucket's AbortIncompleteMultipartUpload rule.
        assertThat(open.size()).as("empty uploads left: at most those started by killed processes that sent them"
                + " no part").isLessThanOrEqualTo(sent.createsWithoutParts());
        assertThat(sent.distinctParts()).as("parts uploaded at least once").isEqualTo(partsNeeded);
        for (ChaosRun.Life life : run.lives()) {
            ChaosRun.Sent s = sent.perProcess().get(life.index());
            assertThat(s.partsResentAfterKill()).as("parts sent again after kill " + life.index())
                    .isLessThanOrEqualTo(size.partsInFlight());
            assertThat(s.putsResentAfterKill()).as("objects sent again after kill " + life.index())
                    .isLessThanOrEqualTo(size.concurrency());
        }
    }

    static String figures(String mode, Size size, List<ChaosObjects.Spec> specs, ChaosRun run,
                          ChaosRun.Analysis sent, long partsNeeded, int emptyUploadsLeft) {
        int kills = (int) run.lives().stream().filter(ChaosRun.Life::killed).count();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%nchaos %s, seed %d, %s, %d cores: %d small objects (0..%d KiB), "
                        + "%d of %d MiB; concurrency %d, parts in flight %d, part size %d MiB; "
                        + "killed %d..%d ms after a process's first write, parts delayed %d ms, PUTs %d ms%n",
                mode, SEED, LocalDate.now(), Runtime.getRuntime().availableProcessors(), size.small(),
                size.smallMax() / 1024, size.large(), size.largeBytes() / ChaosObjects.MIB, size.concurrency(),
                size.partsInFlight(), PART_SIZE / ChaosObjects.MIB, size.killMinMillis(), size.killMaxMillis(),
                size.partDelayMillis(), size.putDelayMillis()));
        s.append(" process  killed  alive ms  first write ms   PUTs  parts  PUTs sent again  parts sent again  retries"
                + "  uploads started, no part sent\n");
        for (ChaosRun.Life life : run.lives()) {
            ChaosRun.Sent p = sent.perProcess().get(life.index());
            s.append(String.format(Locale.ROOT, " %7d  %6s  %8d  %14s  %5d  %5d  %15d  %16d  %7d  %29d%n", life.index(),
                    life.killed() ? "yes" : "no", life.millis(), life.killed() ? life.firstWriteMillis() : "-",
                    p.puts(), p.parts(), p.putsResentAfterKill(), p.partsResentAfterKill(), p.retriedInProcess(),
                    p.createsWithoutParts()));
        }
        s.append("| mode | kills | objects | bytes | parts needed | parts sent | parts re-sent per kill (max / mean) "
                + "| objects re-sent per kill (max / mean) | empty uploads left | wall time |\n");
        s.append("|---|---|---|---|---|---|---|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| %s | %d | %,d | %.1f MiB | %d | %d | %d / %.1f | %d / %.1f | %d | %.0f s |%n",
                mode, kills, specs.size(), ChaosObjects.bytes(specs) / (double) ChaosObjects.MIB, partsNeeded,
                sent.parts(), sent.maxPartsResent(), sent.partsResent() / (double) Math.max(1, kills),
                sent.maxPutsResent(), sent.putsResent() / (double) Math.max(1, kills), emptyUploadsLeft,
                run.wallSeconds()));
        return s.toString();
    }
}
