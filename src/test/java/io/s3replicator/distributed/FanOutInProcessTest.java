package io.s3replicator.distributed;

import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.dynamodb.DynamoDbJobStore;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.RequestCounts;
import io.s3replicator.testing.InProcessWorkersTest;
import io.s3replicator.testing.Worker;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.s3replicator.distributed.FanOutTest.md5;
import static io.s3replicator.distributed.WorkerCrashTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Objects fanned out across two workers in this JVM (the fault injector sees their requests): what a
 * fanned-out copy costs per part, and a source that changes while its parts move.
 */
class FanOutInProcessTest extends InProcessWorkersTest {
    static final int MIB = 1024 * 1024;
    static final int PART = 5 * MIB;

    FanOutInProcessTest() {
        super("fan-in");
    }

    /** Two workers fanning out objects above one part, each moving {@code partsInFlight} parts at once. */
    void startTwoWorkers(int partsInFlight) throws Exception {
        Map<String, String> properties = DistributedSetup.properties(queue, tables);
        properties.put("s3replicator.transfer.multipart-threshold", String.valueOf(PART));
        properties.put("s3replicator.transfer.part-size", String.valueOf(PART));
        properties.put("s3replicator.transfer.fan-out-above", String.valueOf(PART));
        properties.put("s3replicator.transfer.parts-in-flight", String.valueOf(partsInFlight));
        // Few idle polls among the requests counted.
        properties.put("s3replicator.sqs.wait-seconds", "5");
        for (int i = 0; i < 2; i++) {
            workers.add(Worker.start(Files.createDirectories(state.resolve("w" + i)), properties));
        }
    }

    /** Registers pair {@code id} on both workers and queues the job of its object big.bin. */
    void queueJob(String id, String a, String b, long size, String etag) {
        workers.forEach(w -> w.register(id, a, b));
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(JobCodec.toJson(new Job(id, id + "-run",
                Job.Operation.COPY, "big.bin", size, etag, null, null, "DIFF", Job.Reason.MISSING, 0))));
    }

    void awaitCopied(String b) throws InterruptedException {
        await(() -> Buckets.keys(dst, b).contains("big.bin") && ElasticMq.depth(sqs, queue) == 0,
                Duration.ofSeconds(120), () -> "");
    }

    Map<String, Long> outcomes(String id) {
        try (DynamoDbClient dynamo = DynamoDbLocal.client()) {
            return new DynamoDbJobStore(dynamo, tables + "-job-state", Duration.ofDays(30), Clock.systemUTC())
                    .outcomeCounts(id + "-run");
        }
    }

    static final java.util.Set<String> MESSAGE_REQUESTS = java.util.Set.of("Sqs SendMessage", "Sqs SendMessageBatch",
            "Sqs ReceiveMessage", "Sqs DeleteMessage", "Sqs DeleteMessageBatch", "Sqs ChangeMessageVisibility",
            "Sqs ChangeMessageVisibilityBatch");

    static byte[] random(int parts, long seed) {
        byte[] bytes = new byte[parts * PART];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void requests_per_part_of_an_object_fanned_out_across_two_workers() throws Exception {
        int parts = 12;
        // Room for every part at once: the costs below are those of parts that find a worker free.
        startTwoWorkers(4);
        String a = Buckets.create(src, "fan-cost-src");
        String b = armedBucket(dst, "fan-cost-dst");
        byte[] body = random(parts, 31);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(body));
        String etag = src.headObject(r -> r.bucket(a).key("big.bin")).eTag().replace("\"", "");
        FaultInjector.slowParts(b, 300);
        Map<String, Long> before = RequestCounts.snapshot();

        queueJob("cost", a, b, body.length, etag);
        awaitCopied(b);

        Map<String, Long> after = RequestCounts.snapshot();
        Map<String, Double> perPart = new TreeMap<>();
        after.forEach((k, v) -> {
            long n = v - before.getOrDefault(k, 0L);
            if (n > 0 && (k.startsWith("DynamoDb") || MESSAGE_REQUESTS.contains(k) || k.startsWith("S3"))
                    && !k.equals("S3 ListObjectsV2")) { // the test's own look at the destination
                perPart.put(k, n / (double) parts);
            }
        });
        double dynamo = perPart.entrySet().stream().filter(e -> e.getKey().startsWith("DynamoDb"))
                .mapToDouble(Map.Entry::getValue).sum();
        // The test's own SendMessage (the job) and its queue look-ups are left out.
        double sqsRequests = perPart.entrySet().stream().filter(e -> MESSAGE_REQUESTS.contains(e.getKey()))
                .mapToDouble(Map.Entry::getValue).sum() - 1.0 / parts;
        System.err.printf("requests per part (%d parts of 5 MiB, 2 workers, the object's own requests and idle"
                + " polls included; SQS without the test's SendMessage): DynamoDB %.2f, SQS %.2f: %s%n", parts, dynamo,
                sqsRequests, perPart);

        assertThat(md5(Buckets.get(dst, b, "big.bin"))).isEqualTo(md5(body));
        assertThat(outcomes("cost")).isEqualTo(Map.of("COPIED", 1L));
        assertThat(perPart.get("S3 UploadPart")).as("each part sent once").isEqualTo(1.0);
        assertThat(perPart.get("S3 CompleteMultipartUpload")).isEqualTo(1.0 / parts);
        assertThat(perPart.get("DynamoDb TransactWriteItems")).as("one record per part (and a retry on a collision)")
                .isBetween(1.0, 1.5);
        assertThat(dynamo).as("the part's claim and release, its record and the count read back, and the"
                + " object's share").isLessThan(7);
        assertThat(sqsRequests).as("a share of the batched sends, receives and deletes, and polls").isLessThan(2);
    }

    /** The source is overwritten as soon as the first part has landed: the parts still to come meet a 412. */
    @Test
    void a_source_that_changes_mid_way_aborts_the_fanned_out_upload_and_the_new_version_is_copied_once()
            throws Exception {
        int parts = 6;
        // One part at a time each: parts read after the first has landed meet the new version.
        startTwoWorkers(1);
        String a = Buckets.create(src, "fan-change-src");
        String b = armedBucket(dst, "fan-change-dst");
        byte[] old = random(parts, 23);
        byte[] body = random(parts, 29);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(old));
        String etag = src.headObject(r -> r.bucket(a).key("big.bin")).eTag().replace("\"", "");
        FaultInjector.slowParts(b, 300);
        FaultInjector.afterFirstPart(b, () -> src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(body)));

        Map<String, Long> before = RequestCounts.snapshot();
        queueJob("change", a, b, old.length, etag);
        awaitCopied(b);
        long partRecords = RequestCounts.snapshot().getOrDefault("DynamoDb TransactWriteItems", 0L)
                - before.getOrDefault("DynamoDb TransactWriteItems", 0L);

        assertThat(md5(Buckets.get(dst, b, "big.bin"))).as("the new version, never a mix").isEqualTo(md5(body));
        assertThat(FaultInjector.count(b, "AbortMultipartUpload")).as("the old version's upload").isGreaterThanOrEqualTo(1);
        assertThat(FaultInjector.count(b, "CompleteMultipartUpload")).isEqualTo(1);
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).isEmpty();
        assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();
        assertThat(outcomes("change")).isEqualTo(Map.of("COPIED", 1L));
        // The parts went through the queue: each fanned-out part's ETag is recorded in one transaction
        // (a single worker's own copy records none), so this test does not pass with fan-out off.
        assertThat(partRecords).as("part records of fanned-out uploads").isGreaterThanOrEqualTo(parts);
    }
}
