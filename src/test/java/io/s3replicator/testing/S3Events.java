package io.s3replicator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Real S3 event notification JSON, in each envelope S3 delivers it in, for tests to publish to
 * ElasticMQ (no emulator here emits them). Keys are URL-encoded as S3 does ({@code +} for space).
 */
public final class S3Events {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private S3Events() {
    }

    /** What happened to one object. */
    public record Event(String name, String bucket, String key, long size, String etag, String versionId,
                        String sequencer, String principal, Instant time) {
        public static Event created(String bucket, String key, long size, String etag, String sequencer) {
            return new Event("ObjectCreated:Put", bucket, key, size, etag, null, sequencer, "AIDATESTUSER", Instant.now());
        }

        public static Event deleted(String bucket, String key, String sequencer) {
            return new Event("ObjectRemoved:Delete", bucket, key, -1, null, null, sequencer, "AIDATESTUSER", Instant.now());
        }

        public Event withVersion(String value) {
            return new Event(name, bucket, key, size, etag, value, sequencer, principal, time);
        }

        public Event withName(String value) {
            return new Event(value, bucket, key, size, etag, versionId, sequencer, principal, time);
        }

        public Event at(Instant value) {
            return new Event(name, bucket, key, size, etag, versionId, sequencer, principal, value);
        }
    }

    /** S3 -> SQS directly (also what SNS raw message delivery passes on). */
    public static String direct(Event... events) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode records = root.putArray("Records");
        for (Event e : events) {
            ObjectNode r = records.addObject();
            r.put("eventVersion", "2.1");
            r.put("eventSource", "aws:s3");
            r.put("awsRegion", "us-east-1");
            r.put("eventTime", e.time().toString());
            r.put("eventName", e.name());
            r.putObject("userIdentity").put("principalId", "AWS:" + e.principal());
            r.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
            r.putObject("responseElements").put("x-amz-request-id", "C3D13FE58DE4C810")
                    .put("x-amz-id-2", "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD");
            ObjectNode s3 = r.putObject("s3");
            s3.put("s3SchemaVersion", "1.0");
            s3.put("configurationId", "replicate");
            s3.putObject("bucket").put("name", e.bucket()).put("arn", "arn:aws:s3:::" + e.bucket())
                    .putObject("ownerIdentity").put("principalId", "A3NL1KOZZKExample");
            ObjectNode o = s3.putObject("object");
            o.put("key", urlEncode(e.key()));
            if (e.size() >= 0) {
                o.put("size", e.size());
            }
            if (e.etag() != null) {
                o.put("eTag", e.etag());
            }
            if (e.versionId() != null) {
                o.put("versionId", e.versionId());
            }
            o.put("sequencer", e.sequencer());
        }
        return root.toString();
    }

    /** S3 -> SNS -> SQS without raw delivery: the S3 JSON as a string in the SNS envelope. */
    public static String sns(String s3Json) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("Type", "Notification");
        root.put("MessageId", UUID.randomUUID().toString());
        root.put("TopicArn", "arn:aws:sns:us-east-1:123456789012:s3-events");
        root.put("Subject", "Amazon S3 Notification");
        root.put("Message", s3Json);
        root.put("Timestamp", Instant.now().toString());
        root.put("SignatureVersion", "1");
        root.put("Signature", "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=");
        root.put("SigningCertURL", "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem");
        root.put("UnsubscribeURL", "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:s3-events:c9135db0-26c4-47ec-8998-413945fb5a96");
        return root.toString();
    }

    /** S3 -> EventBridge -> SQS: "Object Created" / "Object Deleted". */
    public static String eventBridge(Event e) {
        boolean deleted = e.name().startsWith("ObjectRemoved");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", "0");
        root.put("id", UUID.randomUUID().toString());
        root.put("detail-type", deleted ? "Object Deleted" : "Object Created");
        root.put("source", "aws.s3");
        root.put("account", "123456789012");
        root.put("time", e.time().toString());
        root.put("region", "us-east-1");
        root.putArray("resources").add("arn:aws:s3:::" + e.bucket());
        ObjectNode detail = root.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", e.bucket());
        ObjectNode o = detail.putObject("object");
        o.put("key", urlEncode(e.key()));
        if (e.size() >= 0) {
            o.put("size", e.size());
        }
        if (e.etag() != null) {
            o.put("etag", e.etag());
        }
        if (e.versionId() != null) {
            o.put("version-id", e.versionId());
        }
        o.put("sequencer", e.sequencer());
        detail.put("request-id", "N4N7GDK58NMKJ12R");
        detail.put("requester", e.principal());
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", deleted ? "DeleteObject" : "PutObject");
        if (deleted) {
            detail.put("deletion-type", "Permanently Deleted");
        }
        return root.toString();
    }

    public static String testEvent(String bucket) {
        return "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"" + Instant.now()
                + "\",\"Bucket\":\"" + bucket + "\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE\"}";
    }

    /** As S3 encodes keys in notifications: application/x-www-form-urlencoded, so a space is '+'. */
    public static String urlEncode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }
}
