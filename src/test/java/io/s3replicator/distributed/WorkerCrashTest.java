package io.s3replicator.distributed;

import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker process killed (SIGKILL) in the middle of a multipart copy: its SQS message comes
 * back when the visibility it stopped extending runs out, another worker process takes the job
 * over once the dead receive's in-flight entry expired, and sends only the parts the destination
 * lacks, found through the checkpoint in the shared DynamoDB state and ListParts.
 */
class WorkerCrashTest extends TwoEndpoints {
    static final int MIB = 1024 * 1024;
    static final int PARTS = 5;

    @Test
    void a_worker_killed_mid_multipart_leaves_the_job_to_another_that_resumes_from_the_checkpoint() throws Exception {
        String a = Buckets.create(src, "crash-src");
        String b = Buckets.create(dst, "crash-dst");
        byte[] body = new byte[PARTS * 8 * MIB];
        new Random(7).nextBytes(body);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(body));
        String etag = src.headObject(r -> r.bucket(a).key("big.bin")).eTag().replace("\"", "");

        SqsClient sqs = ElasticMq.client();
        String queue = ElasticMq.uniqueName("crash");
        String url = ElasticMq.createWithDlq(sqs, queue, queue + "-dlq", 5, 3);
        String tables = ElasticMq.uniqueName("crash");
        Map<String, String> properties = DistributedSetup.properties(queue, tables);
        properties.put("s3replicator.sqs.visibility-timeout", "3");
        properties.put("s3replicator.transfer.parts-in-flight", "1");
        // The killed worker's claim expires this long after its last renewal; then the message's next receive takes over.
        properties.put("s3replicator.state.in-flight-ttl", "4");
        String routes = """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: crash
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: destination, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                """.formatted(a, srcEndpoint, b, dstEndpoint);
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(JobCodec.toJson(new Job("crash", "crash-run",
                Job.Operation.COPY, "big.bin", body.length, etag, null, null, "DIFF", Job.Reason.MISSING, 0))));

        int partsAtKill;
        // The first worker sends each part 1.5 s late, so it can be killed between parts.
        try (WorkerProcess first = WorkerProcess.start(state.resolve("first"), routes, properties,
                "-Ds3replicator.test.part-delay-ms=1500")) {
            await(() -> partsAtDestination(b) >= 2, Duration.ofSeconds(90), () -> output(first));
            first.kill();
            Thread.sleep(1_000);
            partsAtKill = partsAtDestination(b);
            assertThat(partsAtKill).as("killed mid-upload").isBetween(2, PARTS - 1);
            assertThat(Buckets.keys(dst, b)).isEmpty();
        }

        try (WorkerProcess second = WorkerProcess.start(state.resolve("second"), routes, properties)) {
            await(() -> Buckets.keys(dst, b).contains("big.bin"), Duration.ofSeconds(90), () -> output(second));
            await(() -> ElasticMq.depth(sqs, url) == 0, Duration.ofSeconds(30), () -> output(second));
            second.close();
            Map<String, Long> sent = second.requestCounts();
            System.err.printf("worker killed with %d of %d parts at the destination; the second worker sent %d%n",
                    partsAtKill, PARTS, sent.getOrDefault("S3 UploadPart", 0L));
            assertThat(sent.getOrDefault("S3 UploadPart", 0L)).as("only the missing parts: " + sent)
                    .isEqualTo(PARTS - partsAtKill);
            assertThat(second.output()).contains("key=big.bin").contains("outcome=COPIED");
        }
        assertThat(md5(Buckets.get(dst, b, "big.bin"))).isEqualTo(md5(body));
        assertThat(dst.listMultipartUploads(r -> r.bucket(b)).uploads()).as("no upload left behind").isEmpty();
        String dlqUrl = sqs.getQueueUrl(r -> r.queueName(queue + "-dlq")).queueUrl();
        assertThat(ElasticMq.depth(sqs, dlqUrl)).isZero();
    }

    int partsAtDestination(String bucket) {
        List<MultipartUpload> uploads = dst.listMultipartUploads(r -> r.bucket(bucket)).uploads();
        if (uploads.isEmpty()) {
            return 0;
        }
        MultipartUpload u = uploads.get(0);
        return dst.listParts(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId())).parts().size();
    }

    static String output(WorkerProcess w) {
        try {
            return w.output();
        } catch (Exception e) {
            return e.toString();
        }
    }

    static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }

    static void await(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> context)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s; worker output:\n" + context.get());
            }
            Thread.sleep(200);
        }
    }
}
