package io.s3replicator.distributed;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Duration;
import java.util.Map;

import static io.s3replicator.distributed.WorkerCrashTest.await;
import static io.s3replicator.distributed.WorkerCrashTest.output;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker killed (SIGKILL) in the middle of a diff, while the job's send is on its way (found by
 * ChaosTest): no message will ever take a mark written before the send over, and a mark that
 * outlives the process keeps every later diff from queueing the job ("already queued") for as
 * long as the mark lives. Marks are now written only once the send succeeded: the diff killed
 * before that leaves none, and the next diff queues the job.
 */
class DiffCrashTest extends TwoEndpoints {

    @Test
    void a_job_marked_queued_by_a_diff_killed_before_sending_it_is_queued_by_the_next_diff() throws Exception {
        String a = Buckets.create(src, "diffcrash-src");
        String b = Buckets.create(dst, "diffcrash-dst");
        Buckets.put(src, a, "one.txt", "1");

        String queue = ElasticMq.uniqueName("diffcrash");
        String tables = ElasticMq.uniqueName("diffcrash");
        Map<String, String> properties = DistributedSetup.properties(queue, tables);
        properties.put("s3replicator.state.in-flight-ttl", "3");
        properties.put("s3replicator.diff.lease-ttl", "3");
        String routes = """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: diffcrash
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: destination, value: "s3://%s?endpoint=%s&pathStyle=true"}
                      - {name: schedule, value: "0/5 * * * * ?"}
                """.formatted(a, srcEndpoint, b, dstEndpoint);

        DynamoDbClient dynamo = DynamoDbLocal.client();
        // The first worker's send hangs, so it dies with the job not sent.
        try (WorkerProcess first = WorkerProcess.start(state.resolve("first"), routes, properties,
                "-Ds3replicator.test.send-delay-ms=600000")) {
            await(() -> output(first).contains("fault: holding SendMessage"), Duration.ofSeconds(90), () -> output(first));
            first.kill();
        }
        assertThat(Buckets.keys(dst, b)).isEmpty();
        assertThat(queuedMarks(dynamo, tables + "-in-flight")).as("no mark without a message").isZero();

        try (WorkerProcess second = WorkerProcess.start(state.resolve("second"), routes, properties)) {
            await(() -> Buckets.keys(dst, b).contains("one.txt"), Duration.ofSeconds(60), () -> output(second));
        }
        assertThat(new String(Buckets.get(dst, b, "one.txt"))).isEqualTo("1");
    }

    static long queuedMarks(DynamoDbClient dynamo, String table) {
        try {
            return dynamo.scan(r -> r.tableName(table)).items().stream()
                    .filter(i -> AttributeValue.fromS("queued").equals(i.get("owner"))).count();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            return 0; // not created yet
        }
    }
}
