package io.s3replicator.distributed;

import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.dynamodb.DynamoDbJobStore;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.RequestCounts;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.WorkerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static io.s3replicator.distributed.WorkerCrashTest.await;
import static io.s3replicator.distributed.WorkerCrashTest.output;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One large object copied by three worker processes together: the worker that takes the object's job
 * plans its parts and puts one job per part on the SQS queue, any worker moves a part and records its
 * ETag in the shared state (DynamoDB Local), and the upload is completed once, verified, and counted as
 * one job. Parts are 5 MiB and each is held back a second before it is sent, so all three take some.
 */
class FanOutTest extends TwoEndpoints {
    static final int MIB = 1024 * 1024;
    static final int PART = 5 * MIB;
    static final int PARTS = 6;
    static final Pattern SENT = Pattern.compile("part (\\d+)/" + PARTS + " of big\\.bin sent");

    final SqsClient sqs = ElasticMq.client();
    final String queue = ElasticMq.uniqueName("fan");
    final String tables = ElasticMq.uniqueName("fan");
    final List<WorkerProcess> workers = new ArrayList<>();
    String a;
    String b;
    byte[] body;

    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (WorkerProcess w : workers) {
            w.close();
        }
    }

    /** Three workers, each one part at a time, and the object's job on the queue. */
    void startThreeWorkersAndQueueTheObject(String name) throws Exception {
        startWorkersAndQueueTheObject(name, 3);
    }

    void startWorkersAndQueueTheObject(String name, int count, String... jvmArgs) throws Exception {
        a = Buckets.create(src, name + "-src");
        b = Buckets.create(dst, name + "-dst");
        body = new byte[PARTS * PART];
        new Random(17).nextBytes(body);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(body));
        String etag = src.headObject(r -> r.bucket(a).key("big.bin")).eTag().replace("\"", "");

        String url = ElasticMq.createWithDlq(sqs, queue, queue + "-dlq", 5, 10);
        Map<String, String> properties = DistributedSetup.properties(queue, tables);
        properties.put("s3replicator.transfer.multipart-threshold", String.valueOf(PART));
        properties.put("s3replicator.transfer.part-size", String.valueOf(PART));
        properties.put("s3replicator.transfer.fan-out-above", String.valueOf(PART));
        properties.put("s3replicator.transfer.parts-in-flight", "1");
        properties.put("s3replicator.transfer.concurrency", "2");
        // A killed worker's messages come back this long after their last extension.
        properties.put("s3replicator.sqs.visibility-timeout", "10");
        // A killed worker's claims (the object's job, a completion) expire this long after their last renewal.
        properties.put("s3replicator.state.in-flight-ttl", "4");
        String routes = """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: fan
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: destination, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                """.formatted(a, srcEndpoint, b, dstEndpoint);
        for (int i = 0; i < count; i++) {
            Path dir = state.resolve("w" + i);
            List<String> args = new ArrayList<>(List.of("-Ds3replicator.test.part-delay-ms=1000",
                    "-D" + RequestCounts.LOG_PROPERTY + "=" + dir.resolve("requests.log")));
            args.addAll(List.of(jvmArgs));
            workers.add(WorkerProcess.start(dir, routes, properties, args.toArray(String[]::new)));
        }
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(JobCodec.toJson(new Job("fan", "fan-run",
                Job.Operation.COPY, "big.bin", body.length, etag, null, null, "DIFF", Job.Reason.MISSING, 0))));
    }

    @Test
    void one_large_object_is_copied_by_three_workers_together_and_completed_once() throws Exception {
        startThreeWorkersAndQueueTheObject("fan");

        awaitCopiedAndQueueEmpty();
        for (WorkerProcess w : workers) {
            w.close();
        }

        List<Set<Integer>> sent = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            Set<Integer> logged = partsLogged(workers.get(i));
            assertThat(logged).as("worker " + i + " logs the parts it sent").isNotEmpty()
                    .isEqualTo(partsUploaded(i));
            sent.add(logged);
        }
        assertThat(sent.stream().mapToInt(Set::size).sum()).as("each part sent once: " + sent).isEqualTo(PARTS);
        assertThat(union(sent)).containsExactlyElementsOf(allParts());
        assertCompletedOnceAndVerified();
    }

    @Test
    void a_worker_killed_mid_way_leaves_its_parts_to_the_others_and_the_object_still_completes_once() throws Exception {
        startThreeWorkersAndQueueTheObject("fan-kill");
        // A worker that has read a part from the source and holds it back before sending: killed mid-part.
        int[] victim = {-1};
        await(() -> {
            for (int i = 0; i < workers.size(); i++) {
                if (requests(i, "GetObject") > requests(i, "UploadPart")) {
                    victim[0] = i;
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(90), () -> output(workers.get(0)));
        WorkerProcess killed = workers.get(victim[0]);
        killed.kill();
        Set<Integer> killedSent = partsUploaded(victim[0]);
        assertThat(killedSent).as("killed before its last part was sent").hasSizeLessThan(PARTS);

        awaitCopiedAndQueueEmpty();
        List<Set<Integer>> survivors = new ArrayList<>();
        for (int i = 0; i < workers.size(); i++) {
            if (i != victim[0]) {
                workers.get(i).close();
                survivors.add(partsUploaded(i));
            }
        }
        System.err.printf("killed worker %d (%s) after it sent parts %s; the others sent %s%n", victim[0],
                killed.output().contains("multipart fan-out of big.bin") ? "it planned the object" : "a part worker",
                killedSent, survivors);
        Set<Integer> missing = new TreeSet<>(allParts());
        missing.removeAll(killedSent);
        assertThat(union(survivors)).as("the parts the killed worker had not sent, sent by the others")
                .containsAll(missing);
        assertCompletedOnceAndVerified();
    }

    /**
     * The worker that completed the upload dies before it recorded so: the upload is gone from the store,
     * its claim lapses, and another worker (its part job received again, or the job waiting for the upload)
     * finds the object completed and records the job's one outcome.
     */
    @Test
    void a_completer_killed_after_the_store_completed_the_upload_leaves_the_end_to_another_worker() throws Exception {
        Path hold = Files.createFile(state.resolve("hold-after-complete"));
        startWorkersAndQueueTheObject("fan-done", 2, "-Ds3replicator.test.hold-after-complete=" + hold);
        int[] completer = {-1};
        await(() -> {
            for (int i = 0; i < workers.size(); i++) {
                if (requests(i, "CompleteMultipartUpload") > 0) {
                    completer[0] = i;
                }
            }
            return completer[0] >= 0 && Buckets.keys(dst, b).contains("big.bin");
        }, Duration.ofSeconds(120), this::outputs);
        boolean planned = workers.get(completer[0]).output().contains("multipart fan-out of big.bin");
        workers.get(completer[0]).kill();
        Files.delete(hold);
        System.err.printf("killed worker %d (%s) after its CompleteMultipartUpload%n", completer[0],
                planned ? "it also planned the object" : "a part worker");

        int survivor = 1 - completer[0];
        await(() -> ElasticMq.depth(sqs, queue) == 0 && !jobOutcomes().isEmpty(), Duration.ofSeconds(120),
                this::outputs);
        workers.get(survivor).close();
        assertThat(md5(Buckets.get(dst, b, "big.bin"))).isEqualTo(md5(body));
        assertThat(dst.headObject(r -> r.bucket(b).key("big.bin")).eTag().replace("\"", ""))
                .isEqualTo(compositeEtag(body, PART));
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).isEmpty();
        assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();
        // The waiting job reads the end another worker found; a job taken over from the dead worker finds the
        // object at the destination first, as any job received again does.
        assertThat(jobOutcomes()).isEqualTo(Map.of(planned ? "SKIPPED" : "COPIED", 1L));
        if (!planned) {
            assertThat(workers.get(survivor).output()).contains("outcome=COPIED");
        }
    }

    Map<String, Long> jobOutcomes() {
        try (DynamoDbClient dynamo = DynamoDbLocal.client()) {
            return new DynamoDbJobStore(dynamo, tables + "-job-state", Duration.ofDays(30), Clock.systemUTC())
                    .outcomeCounts("fan-run");
        }
    }

    void awaitCopiedAndQueueEmpty() throws InterruptedException {
        await(() -> Buckets.keys(dst, b).contains("big.bin") && ElasticMq.depth(sqs, queue) == 0,
                Duration.ofSeconds(300), this::outputs);
    }

    /** One CompleteMultipartUpload among all workers, the destination's bytes and ETag, one job outcome. */
    void assertCompletedOnceAndVerified() throws Exception {
        long completes = 0;
        for (int i = 0; i < workers.size(); i++) {
            completes += requests(i, "CompleteMultipartUpload");
        }
        assertThat(completes).as("the upload is completed once").isEqualTo(1);
        assertThat(md5(Buckets.get(dst, b, "big.bin"))).isEqualTo(md5(body));
        assertThat(dst.headObject(r -> r.bucket(b).key("big.bin")).eTag().replace("\"", ""))
                .as("S3's ETag of these six parts").isEqualTo(compositeEtag(body, PART));
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).as("no upload left behind").isEmpty();
        assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();

        long outcomes = 0;
        for (WorkerProcess w : workers) {
            Matcher m = Pattern.compile("key=big\\.bin .*outcome=(\\w+)").matcher(w.output());
            while (m.find()) {
                assertThat(m.group(1)).isEqualTo("COPIED");
                outcomes++;
            }
        }
        assertThat(outcomes).as("the object's job is recorded once, not once per part").isEqualTo(1);
        try (DynamoDbClient dynamo = DynamoDbLocal.client()) {
            assertThat(new DynamoDbJobStore(dynamo, tables + "-job-state", Duration.ofDays(30), Clock.systemUTC())
                    .outcomeCounts("fan-run")).as("one job in the run's counts").isEqualTo(Map.of("COPIED", 1L));
        }
    }

    Set<Integer> partsLogged(WorkerProcess w) throws Exception {
        Set<Integer> parts = new TreeSet<>();
        Matcher m = SENT.matcher(w.output());
        while (m.find()) {
            parts.add(Integer.parseInt(m.group(1)));
        }
        return parts;
    }

    /** Part numbers worker {@code i} sent (its S3 request log, which survives a kill). */
    Set<Integer> partsUploaded(int i) throws Exception {
        Set<Integer> parts = new TreeSet<>();
        for (RequestCounts.Entry e : RequestCounts.readLog(state.resolve("w" + i).resolve("requests.log"))) {
            if (e.operation().equals("UploadPart") && e.bucket().equals(b)) {
                parts.add(e.part());
            }
        }
        return parts;
    }

    long requests(int i, String operation) {
        try {
            return RequestCounts.readLog(state.resolve("w" + i).resolve("requests.log")).stream()
                    .filter(e -> e.operation().equals(operation) && e.key().equals("big.bin")).count();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String outputs() {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < workers.size(); i++) {
            all.append("--- worker ").append(i).append(" ---\n").append(output(workers.get(i)));
        }
        return all.toString();
    }

    static Set<Integer> union(List<Set<Integer>> sets) {
        Set<Integer> all = new TreeSet<>();
        sets.forEach(all::addAll);
        return all;
    }

    static List<Integer> allParts() {
        return IntStream.rangeClosed(1, PARTS).boxed().toList();
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    /** MD5 of the parts' MD5s, "-N": S3's ETag of an object uploaded in parts of {@code part} bytes. */
    static String compositeEtag(byte[] bytes, int part) throws Exception {
        MessageDigest all = MessageDigest.getInstance("MD5");
        int n = 0;
        for (int offset = 0; offset < bytes.length; offset += part, n++) {
            all.update(MessageDigest.getInstance("MD5").digest(Arrays.copyOfRange(bytes, offset,
                    Math.min(bytes.length, offset + part))));
        }
        return HexFormat.of().formatHex(all.digest()) + "-" + n;
    }
}
