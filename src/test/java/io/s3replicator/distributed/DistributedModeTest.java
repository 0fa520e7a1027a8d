package io.s3replicator.distributed;

import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.DistributedSetup;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.FaultInjector;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import io.s3replicator.testing.RequestCounts;
import io.s3replicator.testing.InProcessWorkersTest;
import io.s3replicator.testing.Worker;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several workers (Camel contexts in this JVM) on one SQS queue (ElasticMQ) and one DynamoDB
 * state (DynamoDB Local): each object copied once, one diff at a time, exact counts.
 */
class DistributedModeTest extends InProcessWorkersTest {
    DistributedModeTest() {
        super("dist");
    }

    Map<String, String> properties() {
        Map<String, String> p = DistributedSetup.properties(queue, tables);
        p.put("s3replicator.transfer.concurrency", "4");
        // Small pages: a diff lasts long enough for a second one started with it to find the lease held.
        p.put("s3replicator.discover.list-page-size", "5");
        return p;
    }

    List<Worker> startWorkers(int n, String a, String b) throws Exception {
        for (int i = 0; i < n; i++) {
            Worker w = Worker.start(Files.createDirectories(state.resolve("w" + i)), properties());
            w.register("p", a, b);
            workers.add(w);
        }
        return workers;
    }

    JobStore jobs(Worker w) {
        return w.bean("stateBackend", StateBackend.class).jobStore();
    }

    @Test
    void three_workers_sharing_one_queue_copy_each_object_once_even_when_every_job_arrives_twice() throws Exception {
        String a = Buckets.create(src, "dist-src");
        String b = Buckets.create(dst, "dist-dst");
        int objects = 60;
        for (int i = 0; i < objects; i++) {
            Buckets.put(src, a, "k" + i, "value " + i);
        }
        startWorkers(3, a, b);

        RunStats run = workers.get(0).diff("p");
        awaitTrue(() -> run.emitted() == objects && Buckets.keys(dst, b).size() >= 1, "diff enqueued");
        // The same jobs again, as an S3 event or a second producer would send them.
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        for (int i = 0; i < objects; i++) {
            String key = "k" + i;
            String etag = src.headObject(r -> r.bucket(a).key(key)).eTag().replace("\"", "");
            String job = JobCodec.toJson(new Job("p", run.runId(), Job.Operation.COPY, key, ("value " + i).length(),
                    etag, null, null, "EVENT", Job.Reason.MISSING, 0));
            sqs.sendMessage(r -> r.queueUrl(url).messageBody(job));
        }

        awaitTrue(() -> Buckets.keys(dst, b).size() == objects && ElasticMq.depth(sqs, queue) == 0, "all copied, queue empty");
        assertThat(FaultInjector.count(b, "PutObject")).as("one PUT per object").isEqualTo(objects);
        assertThat(jobs(workers.get(1)).outcomeCounts(run.runId())).as("exact counts from the state store")
                .containsEntry("COPIED", (long) objects).doesNotContainKey("FAILED");
        assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();
        // Most jobs finished on the other workers: the diffing worker learns the run's end from the store.
        assertThat(run.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        assertThat(run.recordedOutcomes()).containsEntry("COPIED", (long) objects);
    }

    @Test
    void the_run_end_counts_are_the_state_stores_even_when_this_worker_saw_every_job_twice() throws Exception {
        String a = Buckets.create(src, "dist-counts-src");
        String b = Buckets.create(dst, "dist-counts-dst");
        int objects = 40;
        for (int i = 0; i < objects; i++) {
            Buckets.put(src, a, "k" + i, "value " + i);
        }
        // Every job arrives twice (as an event would send it): this worker reaches the run's number of
        // jobs locally (copies and duplicate skips) before the state store holds every job's outcome.
        FaultInjector.slowPuts(b, 300);
        List<Worker> started = startWorkers(1, a, b);
        RunStats run = started.get(0).diff("p");
        awaitTrue(() -> run.emitted() == objects, "diff enqueued");
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        for (int i = 0; i < objects; i++) {
            String key = "k" + i;
            String etag = src.headObject(r -> r.bucket(a).key(key)).eTag().replace("\"", "");
            sqs.sendMessage(r -> r.queueUrl(url).messageBody(JobCodec.toJson(new Job("p", run.runId(),
                    Job.Operation.COPY, key, ("value " + key.substring(1)).length(), etag, null, null, "EVENT",
                    Job.Reason.MISSING, 0))));
        }

        assertThat(run.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.recordedOutcomes()).as("the counts the run ended with").containsEntry("COPIED", (long) objects)
                .doesNotContainKey("FAILED");
    }

    static final int LARGE = 3 * 5 * 1024 * 1024;

    /**
     * {@code n} workers on a pair with deletes (each diff's job of an object is its run's own, so two
     * runs' jobs of one version are two jobs, not duplicates), copying 5 MiB parts a second apart;
     * returns each worker's SQS consumer threads, to steer jobs with {@link FaultInjector#deafen}.
     */
    List<java.util.Set<String>> largeObjectWorkers(int n, String a, String b) throws Exception {
        FaultInjector.slowParts(b, 1_000);
        Map<String, String> p = properties();
        p.put("s3replicator.transfer.multipart-threshold", String.valueOf(5 * 1024 * 1024));
        p.put("s3replicator.transfer.part-size", String.valueOf(5 * 1024 * 1024));
        p.put("s3replicator.transfer.parts-in-flight", "1");
        io.s3replicator.config.PairFeatures deletes = new io.s3replicator.config.PairFeatures(null, null, true, false,
                io.s3replicator.config.IgnoreList.NONE, false, false, true);
        List<java.util.Set<String>> consumers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.util.Set<String> before = FaultInjector.sqsConsumerThreads();
            Worker w = Worker.start(Files.createDirectories(state.resolve("key" + i)), p);
            w.bean("pairs", io.s3replicator.config.PairRegistry.class).register(new io.s3replicator.config.ReplicationPair(
                    "p", io.s3replicator.config.S3Uri.parse("source", "s3://" + a + "?endpoint=" + srcEndpoint + "&pathStyle=true"),
                    io.s3replicator.config.S3Uri.parse("destination", "s3://" + b + "?endpoint=" + dstEndpoint + "&pathStyle=true"),
                    io.s3replicator.config.KeyFilter.ALL, false, deletes));
            workers.add(w);
            awaitTrue(() -> FaultInjector.sqsConsumerThreads().size() > before.size(), "worker consuming");
            java.util.Set<String> mine = new java.util.HashSet<>(FaultInjector.sqsConsumerThreads());
            mine.removeAll(before);
            consumers.add(mine);
        }
        return consumers;
    }

    byte[] largeObject(String a) {
        byte[] body = new byte[LARGE];
        new java.util.Random(11).nextBytes(body);
        src.putObject(r -> r.bucket(a).key("big"), software.amazon.awssdk.core.sync.RequestBody.fromBytes(body));
        return body;
    }

    /** The second run's job of the object ended in step, and only the first sent parts. */
    void assertCopiedOnceAndSecondJobInStep(String b, byte[] body) throws InterruptedException {
        awaitTrue(() -> jobs(workers.get(0)).outcomeCounts("run-2").containsKey("SKIPPED"),
                "second job ended: in step once the first had copied it");
        awaitTrue(() -> ElasticMq.depth(sqs, queue) == 0, "every message deleted");
        assertThat(jobs(workers.get(0)).outcomeCounts("run-1")).isEqualTo(Map.of("COPIED", 1L));
        assertThat(FaultInjector.count(b, "UploadPart")).as("each part sent once: the second job waited").isEqualTo(3);
        assertThat(FaultInjector.count(b, "AbortMultipartUpload")).isZero();
        assertThat(java.util.Arrays.equals(Buckets.get(dst, b, "big"), body)).isTrue();
        assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();
    }

    @Test
    void a_job_that_waited_in_its_worker_for_another_job_on_its_key_looks_before_sending_parts() throws Exception {
        String a = Buckets.create(src, "one-key-src");
        String b = Buckets.create(dst, "one-key-dst");
        byte[] body = largeObject(a);
        String etag = src.headObject(r -> r.bucket(a).key("big")).eTag().replace("\"", "");
        largeObjectWorkers(1, a, b);
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        sendJob(url, "run-1", body.length, etag);
        awaitTrue(() -> FaultInjector.count(b, "UploadPart") >= 1, "first job sending parts");
        sendJob(url, "run-2", body.length, etag);

        assertCopiedOnceAndSecondJobInStep(b, body);
    }

    @Test
    void two_jobs_for_one_large_object_never_run_side_by_side_on_two_workers() throws Exception {
        String a = Buckets.create(src, "dist-key-src");
        String b = Buckets.create(dst, "dist-key-dst");
        byte[] body = largeObject(a);
        String etag = src.headObject(r -> r.bucket(a).key("big")).eTag().replace("\"", "");
        List<java.util.Set<String>> consumers = largeObjectWorkers(2, a, b);
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        try {
            // The first job goes to the first worker, the second to the other one while the first still runs.
            FaultInjector.deafen(consumers.get(1));
            sendJob(url, "run-1", body.length, etag);
            awaitTrue(() -> FaultInjector.count(b, "UploadPart") >= 1, "first job sending parts");
            FaultInjector.deafen(consumers.get(0));
            Thread.sleep(1_500); // its long poll under way (1 s) ends first
            FaultInjector.hear(consumers.get(1));
            sendJob(url, "run-2", body.length, etag);
            awaitTrue(() -> Buckets.keys(dst, b).contains("big"), "first job done");
        } finally {
            FaultInjector.hear(consumers.get(0));
            FaultInjector.hear(consumers.get(1));
        }

        assertCopiedOnceAndSecondJobInStep(b, body);
    }

    void sendJob(String url, String run, long size, String etag) {
        sqs.sendMessage(r -> r.queueUrl(url).messageBody(JobCodec.toJson(new Job("p", run, Job.Operation.COPY,
                "big", size, etag, null, null, "DIFF", Job.Reason.MISSING, 0))));
    }

    @Test
    void a_message_received_again_while_its_job_still_runs_does_not_run_the_job_beside_it() throws Exception {
        String a = Buckets.create(src, "dist-again-src");
        String b = Buckets.create(dst, "dist-again-dst");
        Buckets.put(src, a, "slow.bin", "takes a while to write");
        FaultInjector.slowPuts(b, 8_000);
        // The worker's visibility extensions are lost: the message comes back after 2 s, to either worker.
        FaultInjector.failExtensions(queue);
        Map<String, String> p = properties();
        p.put("s3replicator.sqs.visibility-timeout", "2");
        p.put("s3replicator.sqs.max-receives", "20");
        p.put("s3replicator.state.in-flight-ttl", "3");
        List<Worker> started = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Worker w = Worker.start(Files.createDirectories(state.resolve("again" + i)), p);
            w.register("p", a, b);
            workers.add(w);
            started.add(w);
        }
        try {
            RunStats run = started.get(0).diff("p");

            awaitTrue(() -> Buckets.keys(dst, b).contains("slow.bin") && ElasticMq.depth(sqs, queue) == 0,
                    "copied and the message deleted");
            assertThat(FaultInjector.count(b, "PutObject")).as("the job ran once, never beside itself").isEqualTo(1);
            assertThat(ElasticMq.depth(sqs, queue + "-dlq")).isZero();
            assertThat(run.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
            assertThat(run.recordedOutcomes()).containsEntry("COPIED", 1L).doesNotContainKey("FAILED");
        } finally {
            FaultInjector.stopFailingExtensions(queue);
        }
    }

    @Test
    void two_diff_runs_at_once_enqueue_each_object_once() throws Exception {
        String a = Buckets.create(src, "dist-lease-src");
        String b = Buckets.create(dst, "dist-lease-dst");
        int objects = 40;
        for (int i = 0; i < objects; i++) {
            Buckets.put(src, a, "k" + i, "v" + i);
        }
        startWorkers(2, a, b);
        long sentBefore = RequestCounts.snapshot().getOrDefault("Sqs SendMessageBatch", 0L);

        RunStats first = workers.get(0).diff("p");
        RunStats second = workers.get(1).diff("p");

        awaitTrue(() -> Buckets.keys(dst, b).size() == objects && ElasticMq.depth(sqs, queue) == 0, "all copied, queue empty");
        assertThat(RequestCounts.snapshot().getOrDefault("Sqs SendMessageBatch", 0L) - sentBefore)
                .as("jobs enqueued, ten a request").isEqualTo(objects / 10);
        assertThat(first.emitted() + second.emitted()).isEqualTo(objects);
        assertThat(List.of(first.isLeaseHeldElsewhere(), second.isLeaseHeldElsewhere()))
                .as("exactly one diff ran; the other found the lease held").containsExactlyInAnyOrder(true, false);
        assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(objects);
    }

    @Test
    void a_diff_that_could_not_queue_its_jobs_leaves_no_marks_behind() throws Exception {
        String a = Buckets.create(src, "dist-unmark-src");
        String b = Buckets.create(dst, "dist-unmark-dst");
        int objects = 20;
        for (int i = 0; i < objects; i++) {
            Buckets.put(src, a, "k" + i, "v" + i);
        }
        Worker w = startWorkers(1, a, b).get(0);
        w.context().getRouteController().stopRoute("transfer");
        String url = sqs.getQueueUrl(r -> r.queueName(queue)).queueUrl();
        sqs.deleteQueue(r -> r.queueUrl(url));
        // One batch straggles: it must not reach the queue made again below and mark its jobs queued.
        FaultInjector.holdNextBatchSend(queue, 3_000);

        RunStats failed = w.diff("p");
        assertThat(failed.awaitCompletion(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failed.diffError()).as("the diff failed on the missing queue").isNotNull();
        // A failed run reports only once the sends it had under way are over: none reaches the queue made
        // again now, even after the straggler's hold.
        String recreated = sqs.createQueue(r -> r.queueName(queue)).queueUrl();
        TimeUnit.MILLISECONDS.sleep(4_000);
        assertThat(sqs.getQueueAttributes(r -> r.queueUrl(recreated)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).as("messages the failed run sent late").isEqualTo("0");
        RunStats again = w.diff("p");
        // Nothing consumes (transfer stopped): wait for the diff itself to have handled every object.
        awaitTrue(() -> again.emitted() + again.alreadyQueued.sum() == objects || again.diffError() != null,
                "second diff done");
        assertThat(again.diffError()).isNull();
        assertThat(again.alreadyQueued.sum()).as("no job skipped as already queued").isZero();
        assertThat(again.emitted()).isEqualTo(objects);
    }

    /** The marks of a batch cannot be read: the diff fails at once, and says so, instead of waiting for its sends. */
    @Test
    void a_diff_whose_queued_marks_cannot_be_read_fails_promptly() throws Exception {
        String a = Buckets.create(src, "dist-marks-src");
        String b = Buckets.create(dst, "dist-marks-dst");
        for (int i = 0; i < 20; i++) {
            Buckets.put(src, a, "k" + i, "v" + i);
        }
        Worker w = startWorkers(1, a, b).get(0);
        w.context().getRouteController().stopRoute("transfer");
        FaultInjector.failBatchGets(true);
        try {
            RunStats run = w.diff("p");
            // A send counted as under way but never ended would hold the failure back for a minute.
            assertThat(run.awaitCompletion(20, TimeUnit.SECONDS)).as("the run ended").isTrue();
            assertThat(run.diffError()).contains("state store unreachable");
            assertThat(run.emitted()).isZero();
        } finally {
            FaultInjector.failBatchGets(false);
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }
}
