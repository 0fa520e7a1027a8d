package io.s3replicator.discover;

import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.S3Events;
import io.s3replicator.testing.S3Events.Event;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.s3replicator.testing.RunningReplicator.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** S3 events from SQS (ElasticMQ) replicate creates, overwrites and deletes within seconds. */
class EventReplicationTest extends TwoEndpoints {
    static final Duration WAIT = Duration.ofSeconds(20);
    final SqsClient sqs = ElasticMq.client();
    final AtomicLong sequencer = new AtomicLong(0x0055AED6DCD90281L);
    RunningReplicator replicator;
    String a;
    String b;
    String queue;
    String queueUrl;

    @AfterEach
    void stop() {
        if (replicator != null) {
            replicator.close();
        }
    }

    /** A source bucket, a destination bucket, an events queue, and a replicator with one pair. */
    void start(boolean versionedSource, String... parameters) throws Exception {
        start(Map.of(), versionedSource, parameters);
    }

    void start(Map<String, String> properties, boolean versionedSource, String... parameters) throws Exception {
        a = Buckets.create(src, "ev-src");
        b = Buckets.create(dst, "ev-dst");
        if (versionedSource) {
            // S3Mock: versioning must be on before the first object is written.
            src.putBucketVersioning(r -> r.bucket(a).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        }
        queue = ElasticMq.uniqueName("events");
        queueUrl = sqs.createQueue(r -> r.queueName(queue)).queueUrl();
        StringBuilder extra = new StringBuilder();
        for (int i = 0; i < parameters.length; i += 2) {
            extra.append("      - {name: ").append(parameters[i]).append(", value: \"").append(parameters[i + 1])
                    .append("\"}\n");
        }
        replicator = RunningReplicator.start(state, """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: ev
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s"}
                      - {name: destination, value: "s3://%s/copy/?endpoint=%s"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                      - {name: events, value: "%s"}
                """.formatted(a, srcEndpoint, b, dstEndpoint, queue) + extra, properties);
    }

    String seq() {
        return String.format("%018X", sequencer.incrementAndGet());
    }

    Event put(String key, String content) {
        var r = src.putObject(p -> p.bucket(a).key(key), RequestBody.fromString(content));
        return Event.created(a, key, content.length(), r.eTag().replace("\"", ""), seq()).withVersion(r.versionId());
    }

    Event delete(String key) {
        src.deleteObject(d -> d.bucket(a).key(key));
        return Event.deleted(a, key, seq());
    }

    void publish(String body) {
        sqs.sendMessage(m -> m.queueUrl(queueUrl).messageBody(body));
    }

    String destination(String key) {
        try {
            return new String(Buckets.get(dst, b, "copy/" + key));
        } catch (NoSuchKeyException e) {
            return null;
        }
    }

    double events(String result, String reason) {
        return replicator.count(ReplicatorMetrics.EVENTS, "pair", "ev", "result", result, "reason", reason);
    }

    double skipped(String reason) {
        return replicator.count(ReplicatorMetrics.OBJECTS, "pair", "ev", "outcome", "SKIPPED", "reason", reason);
    }

    /** The events queue has no message left, visible or in flight: every event was handled and deleted. */
    void awaitQueueDrained() throws InterruptedException {
        await("events queue drained", WAIT, () -> ElasticMq.depth(sqs, queueUrl) == 0);
    }

    @Test
    void creates_and_overwrites_replicate_from_every_envelope_with_url_encoded_keys() throws Exception {
        start(false);
        publish(S3Events.direct(put("direct dir/a b+c.txt", "direct")));
        publish(S3Events.sns(S3Events.direct(put("sns/ünï cödé.txt", "sns"))));
        // SNS raw message delivery hands the S3 JSON on unchanged.
        publish(S3Events.direct(put("raw/x=1&y=2;z.txt", "raw")));
        publish(S3Events.eventBridge(put("eventbridge/p q%r.txt", "eventbridge")));

        await("four copies", WAIT, () -> Buckets.keys(dst, b).size() == 4);
        assertThat(destination("direct dir/a b+c.txt")).isEqualTo("direct");
        assertThat(destination("sns/ünï cödé.txt")).isEqualTo("sns");
        assertThat(destination("raw/x=1&y=2;z.txt")).isEqualTo("raw");
        assertThat(destination("eventbridge/p q%r.txt")).isEqualTo("eventbridge");

        publish(S3Events.direct(put("direct dir/a b+c.txt", "overwritten")));
        await("overwrite", WAIT, () -> "overwritten".equals(destination("direct dir/a b+c.txt")));
        awaitQueueDrained();
        assertThat(events("accepted", "create")).isEqualTo(5);
    }

    @Test
    void in_distributed_mode_event_jobs_travel_through_the_sqs_job_queue() throws Exception {
        String jobs = ElasticMq.uniqueName("jobs");
        start(Map.of("s3replicator.queue.kind", "sqs", "s3replicator.sqs.queue", jobs,
                "s3replicator.sqs.dlq", jobs + "-dlq", "s3replicator.sqs.endpoint", ElasticMq.endpoint(),
                "s3replicator.sqs.region", "us-east-1", "s3replicator.sqs.create-queues", "true",
                "s3replicator.sqs.wait-seconds", "1"), false, "deletes", "true");
        publish(S3Events.direct(put("a b.txt", "via the job queue")));
        await("copied", WAIT, () -> "via the job queue".equals(destination("a b.txt")));
        publish(S3Events.direct(delete("a b.txt")));
        await("deleted", WAIT, () -> destination("a b.txt") == null);
        awaitQueueDrained();
        await("job queue drained", WAIT, () -> ElasticMq.depth(sqs, jobs) == 0);
    }

    @Test
    void the_container_routes_file_takes_the_events_queue_and_deletes_from_the_environment() throws Exception {
        a = Buckets.create(src, "ev-src");
        b = Buckets.create(dst, "ev-dst");
        queue = ElasticMq.uniqueName("events");
        queueUrl = sqs.createQueue(r -> r.queueName(queue)).queueUrl();
        replicator = RunningReplicator.start(state, java.nio.file.Files.readString(
                java.nio.file.Path.of("deploy/routes/pair-from-env.camel.yaml")), Map.of(
                "PAIR_ID", "ev", "SOURCE", "s3://" + a + "?endpoint=" + srcEndpoint,
                "DESTINATION", "s3://" + b + "/copy/?endpoint=" + dstEndpoint,
                "SCHEDULE", "0 0 0 1 1 ? 2099", "EVENTS", queueUrl, "DELETES", "true"));
        publish(S3Events.direct(put("from env.txt", "e")));
        await("copied", WAIT, () -> "e".equals(destination("from env.txt")));
        publish(S3Events.direct(delete("from env.txt")));
        await("deleted", WAIT, () -> destination("from env.txt") == null);
    }

    @Test
    void deletes_are_off_by_default_and_counted() throws Exception {
        start(false);
        publish(S3Events.direct(put("k.txt", "v")));
        await("copy", WAIT, () -> "v".equals(destination("k.txt")));
        publish(S3Events.direct(delete("k.txt")));
        await("delete event dropped", WAIT, () -> events("dropped", "deletes_disabled") == 1);
        awaitQueueDrained();
        assertThat(destination("k.txt")).isEqualTo("v");
    }

    @Test
    void deletes_replicate_when_enabled_from_s3_sns_and_eventbridge_events() throws Exception {
        start(false, "deletes", "true");
        for (String k : List.of("d1 x.txt", "d2+y.txt", "d3.txt")) {
            publish(S3Events.direct(put(k, k)));
        }
        await("copies", WAIT, () -> Buckets.keys(dst, b).size() == 3);
        publish(S3Events.direct(delete("d1 x.txt")));
        publish(S3Events.sns(S3Events.direct(delete("d2+y.txt").withName("ObjectRemoved:DeleteMarkerCreated"))));
        publish(S3Events.eventBridge(delete("d3.txt")));
        await("deleted", WAIT, () -> Buckets.keys(dst, b).isEmpty());
        assertThat(replicator.count(ReplicatorMetrics.OBJECTS, "pair", "ev", "outcome", "DELETED")).isEqualTo(3);
    }

    @Test
    void a_delete_never_removes_a_destination_object_newer_than_the_event() throws Exception {
        start(false, "deletes", "true");
        publish(S3Events.direct(put("k.txt", "v1")));
        await("copy", WAIT, () -> "v1".equals(destination("k.txt")));
        Event removed = delete("k.txt").at(Instant.now().minusSeconds(30));
        // Someone wrote the destination after the delete happened at the source.
        Buckets.put(dst, b, "copy/k.txt", "written at the destination later");
        publish(S3Events.direct(removed));
        await("delete skipped", WAIT, () -> skipped("destination_newer") == 1);
        assertThat(destination("k.txt")).isEqualTo("written at the destination later");
    }

    @Test
    void a_delete_never_leaves_the_pairs_prefix() throws Exception {
        start(false, "deletes", "true");
        // Restart on a prefixed source: events for keys outside it are rejected, never deleted.
        replicator.close();
        String queue2 = ElasticMq.uniqueName("events");
        String url2 = sqs.createQueue(r -> r.queueName(queue2)).queueUrl();
        replicator = RunningReplicator.start(state.resolve("second"), """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: ev
                    parameters:
                      - {name: source, value: "s3://%s/logs/?endpoint=%s"}
                      - {name: destination, value: "s3://%s/copy/?endpoint=%s"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                      - {name: events, value: "%s"}
                      - {name: deletes, value: "true"}
                """.formatted(a, srcEndpoint, b, dstEndpoint, queue2), Map.of());
        Buckets.put(dst, b, "copy/other.txt", "must stay");
        Buckets.put(dst, b, "copy/logs/other.txt", "must stay too");
        sqs.sendMessage(m -> m.queueUrl(url2).messageBody(S3Events.direct(Event.deleted(a, "other.txt", seq()))));
        sqs.sendMessage(m -> m.queueUrl(url2).messageBody(S3Events.direct(Event.deleted("another-bucket", "logs/other.txt", seq()))));
        await("rejected", WAIT, () -> replicator.count(ReplicatorMetrics.EVENTS, "reason", "outside_prefix") == 1
                && replicator.count(ReplicatorMetrics.EVENTS, "reason", "other_bucket") == 1);
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("copy/other.txt", "copy/logs/other.txt");
    }

    @Test
    void an_out_of_order_older_event_is_dropped() throws Exception {
        start(true);
        Event v1 = put("k.txt", "version 1");
        Event v2 = put("k.txt", "version 2");
        publish(S3Events.direct(v2));
        await("v2 copied", WAIT, () -> "version 2".equals(destination("k.txt")));
        // The older event arrives late: copying its version (by version id) would go backwards.
        publish(S3Events.direct(v1));
        await("v1 dropped", WAIT, () -> skipped("stale") == 1);
        assertThat(destination("k.txt")).isEqualTo("version 2");
    }

    @Test
    void a_late_create_event_does_not_resurrect_a_deleted_object() throws Exception {
        start(true, "deletes", "true");
        Event v1 = put("k.txt", "version 1");
        Event v2 = put("k.txt", "version 2");
        Event deleted = delete("k.txt");
        publish(S3Events.direct(v2));
        await("copied", WAIT, () -> "version 2".equals(destination("k.txt")));
        publish(S3Events.direct(deleted));
        await("deleted", WAIT, () -> destination("k.txt") == null);
        // The first create arrives last: by its version id it could still be read and copied.
        publish(S3Events.direct(v1));
        await("dropped", WAIT, () -> skipped("stale") == 1);
        assertThat(destination("k.txt")).isNull();
    }

    @Test
    void a_versioned_source_is_copied_by_the_version_id_the_event_names_while_it_is_the_latest() throws Exception {
        start(true);
        Event v1 = put("k.txt", "version 1");
        publish(S3Events.direct(v1));
        await("copied", WAIT, () -> destination("k.txt") != null);
        assertThat(destination("k.txt")).isEqualTo("version 1");
        HeadObjectResponse head = dst.headObject(h -> h.bucket(b).key("copy/k.txt"));
        assertThat(head.metadata()).containsEntry("source-version-id", v1.versionId())
                .containsEntry("source-etag", v1.etag());
    }

    @Test
    void an_event_for_a_version_older_than_the_latest_never_lands_after_it() throws Exception {
        start(true);
        Event v1 = put("k.txt", "version 1");
        Event v2 = put("k.txt", "version 2");
        // Only version 1's event has arrived so far (no sequencer of version 2 to compare with).
        publish(S3Events.direct(v1));
        await("skipped", WAIT, () -> skipped("newer_version") == 1);
        assertThat(destination("k.txt")).isNull();
        publish(S3Events.direct(v2));
        await("copied", WAIT, () -> "version 2".equals(destination("k.txt")));
        assertThat(dst.headObject(h -> h.bucket(b).key("copy/k.txt")).metadata())
                .containsEntry("source-version-id", v2.versionId());
    }

    @Test
    void a_small_newer_version_arriving_while_a_large_older_one_copies_is_the_one_that_stays() throws Exception {
        start(Map.of("s3replicator.transfer.multipart-threshold", String.valueOf(5 * 1024 * 1024),
                "s3replicator.transfer.part-size", String.valueOf(5 * 1024 * 1024),
                "s3replicator.transfer.parts-in-flight", "1"), true);
        byte[] large = new byte[12 * 1024 * 1024];
        new java.util.Random(3).nextBytes(large);
        var r1 = src.putObject(p -> p.bucket(a).key("k.bin"), RequestBody.fromBytes(large));
        Event v1 = Event.created(a, "k.bin", large.length, r1.eTag().replace("\"", ""), seq()).withVersion(r1.versionId());
        // Version 2 is written, and its event delivered, while version 1's multipart copy is under way.
        io.s3replicator.testing.FaultInjector.afterFirstPart(b, () -> publish(S3Events.direct(put("k.bin", "version 2"))));
        io.s3replicator.testing.FaultInjector.slowParts(b, 1500);
        try {
            publish(S3Events.direct(v1));
            // Both versions' jobs end copied (one after the other); then the destination must hold version 2.
            await("both jobs ended", WAIT, () -> replicator.count(ReplicatorMetrics.OBJECTS, "pair", "ev",
                    "outcome", "COPIED") == 2);
            assertThat(destination("k.bin")).isEqualTo("version 2");
        } finally {
            io.s3replicator.testing.FaultInjector.reset(b);
        }
    }

    @Test
    void refresh_version_copies_the_current_version_instead() throws Exception {
        start(true, "refreshVersion", "true");
        Event v1 = put("k.txt", "version 1");
        Event v2 = put("k.txt", "version 2");
        publish(S3Events.direct(v1));
        await("copied", WAIT, () -> destination("k.txt") != null);
        assertThat(destination("k.txt")).isEqualTo("version 2");
        assertThat(dst.headObject(h -> h.bucket(b).key("copy/k.txt")).metadata())
                .containsEntry("source-version-id", v2.versionId());
    }

    @Test
    void get_by_version_off_reads_the_latest() throws Exception {
        start(true, "getByVersion", "false");
        Event v1 = put("k.txt", "version 1");
        put("k.txt", "version 2");
        publish(S3Events.direct(v1));
        await("copied", WAIT, () -> destination("k.txt") != null);
        assertThat(destination("k.txt")).isEqualTo("version 2");
    }

    @Test
    void test_events_other_buckets_and_ignored_keys_are_dropped_and_counted() throws Exception {
        start(false, "ignore", "*/tmp/*,*.part");
        publish(S3Events.testEvent(a));
        publish(S3Events.sns(S3Events.testEvent(a)));
        publish(S3Events.direct(put("tmp/x.txt", "x")));
        publish(S3Events.direct(put("y.part", "y")));
        publish(S3Events.direct(Event.created("other-bucket", "z.txt", 1, "0cc175b9c0f1b6a831c399e269772661", seq())));
        publish(S3Events.direct(put("kept.txt", "k")));
        await("kept copied", WAIT, () -> "k".equals(destination("kept.txt")));
        awaitQueueDrained();
        assertThat(events("dropped", "test_event")).isEqualTo(2);
        assertThat(events("dropped", "ignored")).isEqualTo(2);
        assertThat(events("dropped", "other_bucket")).isEqualTo(1);
        assertThat(Buckets.keys(dst, b)).containsExactly("copy/kept.txt");
    }

    @Test
    void bad_event_json_goes_to_the_events_dlq_with_its_reason() throws Exception {
        String dlq = ElasticMq.uniqueName("events-dlq");
        String dlqUrl = sqs.createQueue(r -> r.queueName(dlq)).queueUrl();
        start(false, "eventsDlq", dlq);
        publish("{\"Records\": [ not json");
        publish(S3Events.direct(put("after.txt", "after")));
        List<Message> dead = receive(dlqUrl);
        assertThat(dead).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{\"Records\": [ not json");
            assertThat(m.messageAttributes().get("reason").stringValue()).startsWith("not an S3 event (invalid JSON)");
            assertThat(m.messageAttributes().get("pair").stringValue()).isEqualTo("ev");
        });
        await("the good event after it still replicates", WAIT, () -> "after".equals(destination("after.txt")));
        awaitQueueDrained();
        assertThat(events("dropped", "poison")).isEqualTo(1);
    }

    @Test
    void without_an_events_dlq_bad_json_stays_for_the_queues_redrive_policy() throws Exception {
        a = Buckets.create(src, "ev-src");
        b = Buckets.create(dst, "ev-dst");
        queue = ElasticMq.uniqueName("events");
        String dlq = ElasticMq.uniqueName("events-redrive");
        queueUrl = ElasticMq.createWithDlq(sqs, queue, dlq, 2, 1);
        replicator = RunningReplicator.start(state, """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: ev
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s"}
                      - {name: destination, value: "s3://%s?endpoint=%s"}
                      - {name: schedule, value: "0 0 0 1 1 ? 2099"}
                      - {name: events, value: "%s"}
                """.formatted(a, srcEndpoint, b, dstEndpoint, queueUrl), Map.of());
        publish("not json at all");
        String dlqUrl = sqs.getQueueUrl(r -> r.queueName(dlq)).queueUrl();
        assertThat(receive(dlqUrl)).singleElement().satisfies(m -> assertThat(m.body()).isEqualTo("not json at all"));
        assertThat(events("dropped", "poison")).isGreaterThanOrEqualTo(2);
    }

    List<Message> receive(String url) throws InterruptedException {
        List<Message>[] got = new List[1];
        await("a message on " + url, WAIT, () -> {
            got[0] = sqs.receiveMessage(r -> r.queueUrl(url).waitTimeSeconds(1).messageAttributeNames("All")).messages();
            return !got[0].isEmpty();
        });
        return got[0];
    }

    @Test
    void a_missing_events_queue_stops_start_up_naming_the_parameter() {
        a = Buckets.create(src, "ev-src");
        b = Buckets.create(dst, "ev-dst");
        assertThatThrownBy(() -> RunningReplicator.start(state, """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: ev
                    parameters:
                      - {name: source, value: "s3://%s?endpoint=%s"}
                      - {name: destination, value: "s3://%s?endpoint=%s"}
                      - {name: events, value: "no-such-queue"}
                """.formatted(a, srcEndpoint, b, dstEndpoint), Map.of()))
                .isInstanceOf(io.s3replicator.model.ConfigException.class)
                .hasMessage("ev.events: SQS queue 'no-such-queue' does not exist");
    }

    @Test
    void unknown_parameter_values_fail_naming_the_field() {
        assertThatThrownBy(() -> io.s3replicator.wiring.PairLoader.fromTemplate("p", Map.of("schedule", "0 0 * * * ?",
                "source", "s3://a1", "destination", "s3://b1", "events", "not a queue!")))
                .hasMessageStartingWith("p.events:");
        assertThatThrownBy(() -> io.s3replicator.wiring.PairLoader.fromTemplate("p", Map.of("schedule", "0 0 * * * ?",
                "source", "s3://a1", "destination", "s3://b1", "deletes", "maybe")))
                .hasMessageStartingWith("p.deletes:");
        assertThatThrownBy(() -> io.s3replicator.wiring.PairLoader.fromTemplate("p", Map.of("schedule", "0 0 * * * ?",
                "source", "s3://a1", "destination", "s3://b1", "eventsDlq", "dlq")))
                .hasMessageStartingWith("p.eventsDlq:");
        assertThatThrownBy(() -> io.s3replicator.wiring.PairLoader.fromTemplate("p", Map.of("schedule", "0 0 * * * ?",
                "source", "s3://a1", "destination", "s3://b1", "ignoreFile", "/no/such/file")))
                .hasMessageStartingWith("p.ignoreFile:");
    }
}
