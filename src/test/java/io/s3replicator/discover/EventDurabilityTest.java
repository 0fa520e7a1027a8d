package io.s3replicator.discover;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.S3Events;
import io.s3replicator.testing.S3Events.Event;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing received is lost on a crash (issue: never lose user data, item 6). On one machine the
 * job queue is in memory, so an S3 event message is kept on its SQS queue until the jobs it asked
 * for have ended: a worker killed with SIGKILL mid-copy leaves it to come back, and the next
 * worker copies the object. (Before, the message was deleted as soon as its job was in memory.)
 */
class EventDurabilityTest extends TwoEndpoints {
    static final int MIB = 1024 * 1024;

    @Test
    void an_event_whose_copy_was_cut_short_by_sigkill_is_copied_by_the_next_worker() throws Exception {
        String a = Buckets.create(src, "dur-src");
        String b = Buckets.create(dst, "dur-dst");
        byte[] body = new byte[3 * 5 * MIB];
        new Random(11).nextBytes(body);
        var put = src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(body));
        SqsClient sqs = ElasticMq.client();
        String queue = ElasticMq.uniqueName("durable-events");
        String url = sqs.createQueue(r -> r.queueName(queue)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "5"))).queueUrl();
        sqs.sendMessage(m -> m.queueUrl(url).messageBody(S3Events.direct(Event.created(a, "big.bin", body.length,
                put.eTag().replace("\"", ""), "0055AED6DCD90281E5"))));
        String routes = """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: durable
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: destination, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                      - {name: events, value: "%s"}
                """.formatted(a, srcEndpoint, b, dstEndpoint, queue);
        Map<String, String> properties = new HashMap<>();
        properties.put("s3replicator.sqs.endpoint", ElasticMq.endpoint());
        properties.put("s3replicator.sqs.region", "us-east-1");
        properties.put("s3replicator.events.wait-seconds", "1");
        properties.put("s3replicator.transfer.multipart-threshold", String.valueOf(5 * MIB));
        properties.put("s3replicator.transfer.part-size", String.valueOf(5 * MIB));
        properties.put("s3replicator.transfer.parts-in-flight", "1");

        // The first worker sends each part 1.5 s late, so it can be killed mid-copy.
        try (WorkerProcess first = WorkerProcess.start(state.resolve("first"), routes, properties,
                "-Ds3replicator.test.part-delay-ms=1500")) {
            await(() -> partsAtDestination(b) >= 1, Duration.ofSeconds(60), first);
            first.kill();
        }
        assertThat(Buckets.keys(dst, b)).as("killed before the copy completed").isEmpty();

        try (WorkerProcess second = WorkerProcess.start(state.resolve("second"), routes, properties)) {
            await(() -> Buckets.keys(dst, b).contains("big.bin"), Duration.ofSeconds(60), second);
            await(() -> ElasticMq.depth(sqs, url) == 0, Duration.ofSeconds(30), second);
        }
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(body);
    }

    int partsAtDestination(String bucket) {
        List<MultipartUpload> uploads = dst.listMultipartUploads(r -> r.bucket(bucket)).uploads();
        return uploads.isEmpty() ? 0 : dst.listParts(r -> r.bucket(bucket).key(uploads.get(0).key())
                .uploadId(uploads.get(0).uploadId())).parts().size();
    }

    static void await(BooleanSupplier condition, Duration timeout, WorkerProcess worker) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s; worker output:\n" + worker.output());
            }
            Thread.sleep(200);
        }
    }
}
