package io.s3replicator.discover;

import io.s3replicator.model.S3Event;

import io.s3replicator.model.PoisonMessageException;
import io.s3replicator.testing.S3Events;
import io.s3replicator.testing.S3Events.Event;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3EventParserTest {
    static final Instant T = Instant.parse("2026-11-22T06:00:00.123Z");
    static final Event PUT = new Event("ObjectCreated:Put", "bkt", "dir/a b+c%d ü.txt", 1024,
            "d41d8cd98f00b204e9800998ecf8427e", "096fKKXTRTtl3on89fVO.nfljtsv6qko", "0055AED6DCD90281E5",
            "AIDAJDPLRKLG7UEXAMPLE", T);

    @Test
    void a_direct_s3_event_has_its_key_url_decoded_and_every_field_read() {
        String body = S3Events.direct(PUT);
        assertThat(body).contains("\"key\":\"dir/a+b%2Bc%25d+%C3%BC.txt\"");
        assertThat(S3EventParser.parse(body)).singleElement().isEqualTo(new S3Event(S3Event.Kind.CREATED,
                "ObjectCreated:Put", "bkt", "dir/a b+c%d ü.txt", 1024, "d41d8cd98f00b204e9800998ecf8427e",
                "096fKKXTRTtl3on89fVO.nfljtsv6qko", "0055AED6DCD90281E5", "AWS:AIDAJDPLRKLG7UEXAMPLE", T, "s3"));
    }

    @Test
    void an_sns_envelope_is_unwrapped_and_raw_delivery_reads_as_direct() {
        assertThat(S3EventParser.parse(S3Events.sns(S3Events.direct(PUT)))).singleElement()
                .satisfies(e -> {
                    assertThat(e.key()).isEqualTo("dir/a b+c%d ü.txt");
                    assertThat(e.envelope()).isEqualTo("sns");
                });
    }

    @Test
    void eventbridge_object_created_and_deleted_are_read_with_decoded_keys() {
        S3Event created = S3EventParser.parse(S3Events.eventBridge(PUT)).get(0);
        assertThat(created.kind()).isEqualTo(S3Event.Kind.CREATED);
        assertThat(created.key()).isEqualTo("dir/a b+c%d ü.txt");
        assertThat(created.versionId()).isEqualTo("096fKKXTRTtl3on89fVO.nfljtsv6qko");
        assertThat(created.sequencer()).isEqualTo("0055AED6DCD90281E5");
        assertThat(created.principal()).isEqualTo("AIDAJDPLRKLG7UEXAMPLE");
        assertThat(created.size()).isEqualTo(1024);
        S3Event deleted = S3EventParser.parse(S3Events.eventBridge(PUT.withName("ObjectRemoved:Delete"))).get(0);
        assertThat(deleted.kind()).isEqualTo(S3Event.Kind.REMOVED);
    }

    @Test
    void an_eventbridge_lifecycle_expiration_is_not_a_delete_to_replicate() {
        String expired = S3Events.eventBridge(PUT.withName("ObjectRemoved:Delete"))
                .replace("\"reason\":\"DeleteObject\"", "\"reason\":\"Lifecycle Expiration\"");
        assertThat(expired).contains("Lifecycle Expiration");
        assertThat(S3EventParser.parse(expired)).extracting(S3Event::kind).containsExactly(S3Event.Kind.OTHER);
    }

    @Test
    void the_kinds_of_event_names() {
        assertThat(S3EventParser.kindOf("ObjectCreated:CompleteMultipartUpload")).isEqualTo(S3Event.Kind.CREATED);
        assertThat(S3EventParser.kindOf("s3:ObjectCreated:Copy")).isEqualTo(S3Event.Kind.CREATED);
        assertThat(S3EventParser.kindOf("ObjectRemoved:Delete")).isEqualTo(S3Event.Kind.REMOVED);
        assertThat(S3EventParser.kindOf("ObjectRemoved:DeleteMarkerCreated")).isEqualTo(S3Event.Kind.REMOVED);
        assertThat(S3EventParser.kindOf("LifecycleExpiration:Delete")).isEqualTo(S3Event.Kind.OTHER);
        assertThat(S3EventParser.kindOf("ObjectRestore:Completed")).isEqualTo(S3Event.Kind.OTHER);
        assertThat(S3EventParser.kindOf("ObjectTagging:Put")).isEqualTo(S3Event.Kind.OTHER);
    }

    @Test
    void test_events_and_sns_subscription_messages_replicate_nothing() {
        assertThat(S3EventParser.parse(S3Events.testEvent("bkt"))).extracting(S3Event::kind)
                .containsExactly(S3Event.Kind.TEST);
        assertThat(S3EventParser.parse(S3Events.sns(S3Events.testEvent("bkt")))).extracting(S3Event::kind)
                .containsExactly(S3Event.Kind.TEST);
        String confirmation = "{\"Type\":\"SubscriptionConfirmation\",\"TopicArn\":\"arn:aws:sns:us-east-1:1:t\","
                + "\"SubscribeURL\":\"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription\"}";
        assertThat(S3EventParser.parse(confirmation)).extracting(S3Event::kind).containsExactly(S3Event.Kind.OTHER);
    }

    @Test
    void several_records_in_one_message() {
        List<S3Event> events = S3EventParser.parse(S3Events.direct(PUT, PUT.withName("ObjectRemoved:Delete")));
        assertThat(events).extracting(S3Event::kind).containsExactly(S3Event.Kind.CREATED, S3Event.Kind.REMOVED);
    }

    @Test
    void what_is_not_an_s3_event_is_poison() {
        assertThatThrownBy(() -> S3EventParser.parse("{\"Records\": [")).isInstanceOf(PoisonMessageException.class)
                .hasMessageStartingWith("not an S3 event (invalid JSON)");
        assertThatThrownBy(() -> S3EventParser.parse("")).isInstanceOf(PoisonMessageException.class);
        assertThatThrownBy(() -> S3EventParser.parse("{\"hello\":1}")).isInstanceOf(PoisonMessageException.class);
        assertThatThrownBy(() -> S3EventParser.parse("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}"))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("s3.object.key");
        assertThatThrownBy(() -> S3EventParser.parse(S3Events.sns("not json")))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("SNS notification");
        assertThatThrownBy(() -> S3EventParser.parse(S3Events.direct(PUT).replace("dir/a+b", "dir/a%ZZ")))
                .isInstanceOf(PoisonMessageException.class).hasMessageContaining("not URL-encoded");
    }
}
