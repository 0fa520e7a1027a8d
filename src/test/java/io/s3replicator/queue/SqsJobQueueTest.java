package io.s3replicator.queue;

import io.s3replicator.model.Job;

import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.testing.Worker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The SQS job queue with one or two workers: delete on success, DLQ with reasons, redrive, visibility. */
class SqsJobQueueTest extends TwoEndpoints {
    final SqsClient sqs = ElasticMq.client();
    final String queue = ElasticMq.uniqueName("jobs");
    final String dlq = queue + "-dlq";
    final List<Worker> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.forEach(Worker::close);
    }

    Map<String, String> sqsProperties(int maxReceives, int visibilitySeconds) {
        Map<String, String> p = new HashMap<>();
        p.put("s3replicator.queue.kind", "sqs");
        p.put("s3replicator.sqs.queue", queue);
        p.put("s3replicator.sqs.dlq", dlq);
        p.put("s3replicator.sqs.endpoint", ElasticMq.endpoint());
        p.put("s3replicator.sqs.region", "us-east-1");
        p.put("s3replicator.sqs.create-queues", "true");
        p.put("s3replicator.sqs.max-receives", String.valueOf(maxReceives));
        p.put("s3replicator.sqs.visibility-timeout", String.valueOf(visibilitySeconds));
        p.put("s3replicator.sqs.wait-seconds", "1");
        p.put("s3replicator.sqs.retry-delay", "0");
        p.put("s3replicator.transfer.concurrency", "4");
        return p;
    }

    Worker worker(Map<String, String> properties, String name) throws Exception {
        Worker w = Worker.start(Files.createDirectories(state.resolve(name)), properties);
        workers.add(w);
        return w;
    }

    @Test
    void a_redelivered_job_the_diff_saw_missing_looks_at_the_destination_before_moving_bytes() throws Exception {
        String a = Buckets.create(src, "redeliver-src");
        String b = Buckets.create(dst, "redeliver-dst");
        Buckets.put(src, a, "k", "copied by the first delivery");
        String etag = src.headObject(h -> h.bucket(a).key("k")).eTag().replace("\"", "");
        String body = "copied by the first delivery";
        Worker w = worker(sqsProperties(5, 30), "w1");
        w.register("p", a, b);
        w.context().getRouteController().stopRoute("transfer");
        String url = sqs.getQueueUrl(q -> q.queueName(queue)).queueUrl();
        // The first delivery copied the object, and its worker died before deleting the message.
        sqs.sendMessage(m -> m.queueUrl(url).messageBody(JobCodec.toJson(new Job("p", null, Job.Operation.COPY, "k",
                body.length(), etag, null, null, "DIFF", Job.Reason.MISSING, 0))));
        dst.putObject(p -> p.bucket(b).key("k"), software.amazon.awssdk.core.sync.RequestBody.fromString(body));
        var first = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(5)).messages();
        assertThat(first).hasSize(1);
        sqs.changeMessageVisibility(c -> c.queueUrl(url).receiptHandle(first.get(0).receiptHandle()).visibilityTimeout(0));
        FaultInjector.reset(b);
        w.context().getRouteController().startRoute("transfer");

        await(() -> ElasticMq.depth(sqs, queue) == 0, "job ended and its message deleted");

        assertThat(FaultInjector.count(b, "HeadObject")).as("looked first").isEqualTo(1);
        assertThat(FaultInjector.count(b, "PutObject")).as("no bytes moved again").isZero();
    }

    @Test
    void jobs_travel_through_sqs_and_each_message_is_deleted_when_its_job_ended() throws Exception {
        String a = Buckets.create(src, "sqs-src");
        String b = Buckets.create(dst, "sqs-dst");
        for (int i = 0; i < 20; i++) {
            Buckets.put(src, a, "k" + i, "v" + i);
        }
        Worker w = worker(sqsProperties(3, 30), "w1");
        w.register("p", a, b);

        RunStats run = w.diff("p");

        assertThat(run.awaitCompletion(60, TimeUnit.SECONDS)).as("run complete").isTrue();
        assertThat(run.copied.sum()).isEqualTo(20);
        assertThat(Buckets.keys(dst, b)).hasSize(20);
        assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(20);
        await(() -> ElasticMq.depth(sqs, queue) == 0, "job queue empty (every message deleted)");
        assertThat(ElasticMq.depth(sqs, dlq)).isZero();
    }

    @Test
    void poison_messages_go_to_the_dlq_at_once_with_their_reason() throws Exception {
        String a = Buckets.create(src, "sqs-poison-src");
        String b = Buckets.create(dst, "sqs-poison-dst");
        Worker w = worker(sqsProperties(5, 30), "w1");
        w.register("p", a, b);
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();

        sqs.sendMessage(r -> r.queueUrl(url).messageBody("{not json"));
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(JobCodec.toJson(new Job("no-such-pair", null,
                Job.Operation.COPY, "x", 1, "e", null, null, "DIFF", Job.Reason.MISSING, 0))));

        // What the status page and a scraper see: the DLQ's depth (read again at most every 5 s).
        await(() -> Double.valueOf(2).equals(w.context().getRegistry().lookupByNameAndType(
                org.apache.camel.component.micrometer.MicrometerConstants.METRICS_REGISTRY_NAME,
                io.micrometer.core.instrument.MeterRegistry.class).get("s3replicator.dlq.messages").gauge().value()),
                "s3replicator_dlq_messages reads 2");
        List<Message> dead = receiveAll(dlq, 2);
        assertThat(dead).extracting(m -> m.messageAttributes().get(SqsJobQueue.REASON).stringValue())
                .containsExactlyInAnyOrder("not a job (invalid JSON): {not json",
                        "unknown replication pair 'no-such-pair'");
        assertThat(dead).extracting(m -> m.messageAttributes().get(SqsJobQueue.RECEIVES).stringValue())
                .containsOnly("1");
        assertThat(dead).filteredOn(m -> m.body().contains("no-such-pair"))
                .extracting(m -> m.messageAttributes().get(SqsJobQueue.PAIR).stringValue()).containsExactly("no-such-pair");
        await(() -> ElasticMq.depth(sqs, queue) == 0, "poison removed from the job queue");
    }

    @Test
    void a_poison_message_stays_in_the_job_queue_when_the_dlq_cannot_take_it() throws Exception {
        Worker w = worker(sqsProperties(5, 2), "w1");
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        String dlqUrl = sqs.getQueueUrl(r -> r.queueName(dlq)).queueUrl();
        sqs.deleteQueue(r -> r.queueUrl(dlqUrl));

        sqs.sendMessage(r -> r.queueUrl(url).messageBody("{still not json"));

        Thread.sleep(4_000);
        assertThat(ElasticMq.depth(sqs, queue)).as("not deleted without a DLQ copy").isEqualTo(1);
        assertThat(w.context().getRouteController().getRouteStatus("transfer").isStarted()).isTrue();
    }

    @Test
    void a_permanent_failure_goes_to_the_dlq_after_one_attempt() throws Exception {
        String a = Buckets.create(src, "sqs-perm-src");
        String b = Buckets.create(dst, "sqs-perm-dst");
        Buckets.put(src, a, "denied.txt", "x");
        FaultInjector.failPuts(b, 403);
        Worker w = worker(sqsProperties(5, 30), "w1");
        w.register("p", a, b);

        RunStats run = w.diff("p");

        assertThat(run.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.failed.sum()).isEqualTo(1);
        Message dead = receiveAll(dlq, 1).get(0);
        assertThat(dead.messageAttributes().get(SqsJobQueue.REASON).stringValue()).startsWith("403 AccessDenied");
        assertThat(dead.messageAttributes().get(SqsJobQueue.RECEIVES).stringValue()).isEqualTo("1");
        assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(1);
    }

    @Test
    void a_job_failing_transiently_reaches_the_dlq_after_max_receives_and_redrive_brings_it_back() throws Exception {
        String a = Buckets.create(src, "sqs-retry-src");
        String b = Buckets.create(dst, "sqs-retry-dst");
        Buckets.put(src, a, "flaky.txt", "eventually");
        FaultInjector.failPuts(b, 503);
        Map<String, String> properties = sqsProperties(3, 30);
        Worker w = worker(properties, "w1");
        w.register("p", a, b);

        RunStats run = w.diff("p");

        Message dead = receiveAll(dlq, 1).get(0);
        assertThat(dead.messageAttributes().get(SqsJobQueue.REASON).stringValue()).startsWith("503 SlowDown");
        assertThat(dead.messageAttributes().get(SqsJobQueue.RECEIVES).stringValue()).isEqualTo("3");
        assertThat(run.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.failed.sum()).as("one job, failed once in the run's count, whatever the retries").isEqualTo(1);
        assertThat(Buckets.keys(dst, b)).isEmpty();
        // Put the message back for the redrive command to find (receiving it above hid it).
        String dlqUrl = sqs.getQueueUrl(r -> r.queueName(dlq)).queueUrl();
        sqs.changeMessageVisibility(r -> r.queueUrl(dlqUrl).receiptHandle(dead.receiptHandle()).visibilityTimeout(0));

        FaultInjector.stopFailingPuts(b);
        Path props = propertiesFile(properties);
        CliRun list = CliRun.of("dlq", "list", "--properties", props.toString());
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("503 SlowDown").contains("flaky.txt").contains("pair=p");
        CliRun redrive = CliRun.of("dlq", "redrive", "--properties", props.toString());
        assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
        assertThat(redrive.out()).contains("moved 1 message");

        await(() -> Buckets.keys(dst, b).contains("flaky.txt"), "redriven job copied");
        assertThat(new String(Buckets.get(dst, b, "flaky.txt"))).isEqualTo("eventually");
        await(() -> ElasticMq.depth(sqs, queue) == 0 && ElasticMq.depth(sqs, dlq) == 0, "both queues empty");
    }

    @Test
    void a_job_longer_than_the_visibility_timeout_is_not_handed_to_a_second_worker() throws Exception {
        String a = Buckets.create(src, "sqs-slow-src");
        String b = Buckets.create(dst, "sqs-slow-dst");
        Buckets.put(src, a, "slow.bin", "takes a while");
        FaultInjector.slowPuts(b, 7_000);
        Map<String, String> properties = sqsProperties(5, 2);
        Worker first = worker(properties, "w1");
        Worker second = worker(properties, "w2");
        first.register("p", a, b);
        second.register("p", a, b);

        RunStats run = first.diff("p");

        await(() -> Buckets.keys(dst, b).contains("slow.bin"), "slow copy done");
        await(() -> ElasticMq.depth(sqs, queue) == 0, "message deleted");
        // Each worker has its own state here, so only the extended visibility kept the second one away.
        Thread.sleep(3_000);
        assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(1);
        assertThat(run.awaitCompletion(5, TimeUnit.SECONDS)).isTrue();
        assertThat(run.copied.sum()).isEqualTo(1);
    }

    @Test
    void a_missing_queue_is_a_clear_start_up_error() throws Exception {
        Map<String, String> properties = sqsProperties(5, 30);
        properties.put("s3replicator.sqs.create-queues", "false");
        Path routes = Files.createDirectories(state.resolve("routes"));
        Files.writeString(routes.resolve("pairs.camel.yaml"), "[]\n");

        CliRun run = CliRun.of("run", "--routes", routes.toString(), "--properties", propertiesFile(properties).toString(),
                "--state-dir", state.resolve("db").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("s3replicator.sqs.dlq: queue '" + dlq + "' does not exist at " + ElasticMq.endpoint()
                + " (create it, or set s3replicator.sqs.create-queues=true)");
    }

    Path propertiesFile(Map<String, String> properties) throws Exception {
        StringBuilder text = new StringBuilder("camel.management.enabled = false\n");
        properties.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        return Files.writeString(state.resolve("sqs-" + System.nanoTime() + ".properties"), text.toString());
    }

    /** Receives {@code count} messages (hiding them for a minute), waiting up to 30 s. */
    List<Message> receiveAll(String name, int count) throws InterruptedException {
        String url = sqs.getQueueUrl(r -> r.queueName(name)).queueUrl();
        List<Message> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            out.addAll(sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1).maxNumberOfMessages(10)
                    .visibilityTimeout(60).messageAttributeNames("All")).messages());
        }
        assertThat(out).as("messages in " + name).hasSize(count);
        return out;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(200);
        }
    }
}
