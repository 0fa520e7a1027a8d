package io.s3replicator.discover;

import io.s3replicator.model.S3Event;

import io.s3replicator.model.ListedObject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3replicator.model.PoisonMessageException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an SQS message body holding S3 event notifications, in each shape they arrive in:
 * <ul>
 *   <li>direct S3 -> SQS, and S3 -> SNS -> SQS with raw message delivery: {@code {"Records":[...]}};</li>
 *   <li>S3 -> SNS -> SQS: the SNS envelope {@code {"Type":"Notification","Message":"<S3 event JSON as a string>"}};</li>
 *   <li>S3 -> EventBridge -> SQS: {@code {"detail-type":"Object Created","source":"aws.s3","detail":{...}}};</li>
 *   <li>the {@code s3:TestEvent} S3 sends when a notification is set up (bare or in an SNS envelope).</li>
 * </ul>
 * Object keys are URL-encoded in S3 notifications ({@code +} for a space, {@code %2B} for a plus);
 * they are decoded here. EventBridge keys are decoded the same way: the S3 documentation of the
 * EventBridge message is silent about it, and AWS's own Lambda Powertools decodes them with
 * {@code unquote_plus} too.
 *
 * @throws PoisonMessageException (from {@link #parse}) for a body that is not JSON or not an S3 event
 */
public final class S3EventParser {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private S3EventParser() {
    }

    public static List<S3Event> parse(String body) {
        if (body == null || body.isBlank()) {
            throw new PoisonMessageException("not an S3 event: empty message");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new PoisonMessageException("not an S3 event (invalid JSON): " + abbreviate(body));
        }
        return parse(root, body, "s3");
    }

    private static List<S3Event> parse(JsonNode root, String body, String envelope) {
        if (root == null || !root.isObject()) {
            throw new PoisonMessageException("not an S3 event (not a JSON object): " + abbreviate(body));
        }
        if (root.has("Records")) {
            return records(root.get("Records"), body, envelope);
        }
        if ("s3:TestEvent".equals(text(root, "Event"))) {
            return List.of(new S3Event(S3Event.Kind.TEST, "s3:TestEvent", text(root, "Bucket"), null, -1, null, null,
                    null, null, time(text(root, "Time")), envelope));
        }
        String snsType = text(root, "Type");
        if (snsType != null && root.has("TopicArn")) {
            if ("Notification".equals(snsType)) {
                String message = text(root, "Message");
                if (message == null) {
                    throw new PoisonMessageException("SNS notification without a Message: " + abbreviate(body));
                }
                try {
                    return parse(MAPPER.readTree(message), message, "sns");
                } catch (JsonProcessingException e) {
                    throw new PoisonMessageException("SNS notification whose Message is not an S3 event (invalid JSON): "
                            + abbreviate(message));
                }
            }
            // SubscriptionConfirmation / UnsubscribeConfirmation: nothing to replicate.
            return List.of(new S3Event(S3Event.Kind.OTHER, "SNS " + snsType, null, null, -1, null, null, null, null,
                    null, "sns"));
        }
        if (root.has("detail-type") && root.has("detail")) {
            return List.of(eventBridge(root, body));
        }
        throw new PoisonMessageException("not an S3 event (no Records, no SNS or EventBridge envelope): "
                + abbreviate(body));
    }

    private static List<S3Event> records(JsonNode records, String body, String envelope) {
        if (!records.isArray()) {
            throw new PoisonMessageException("S3 event whose Records is not an array: " + abbreviate(body));
        }
        List<S3Event> out = new ArrayList<>();
        for (JsonNode r : records) {
            String name = text(r, "eventName");
            JsonNode s3 = r.path("s3");
            String bucket = text(s3.path("bucket"), "name");
            JsonNode object = s3.path("object");
            String rawKey = text(object, "key");
            if (name == null || bucket == null || rawKey == null) {
                throw new PoisonMessageException("S3 event record lacks eventName, s3.bucket.name or s3.object.key: "
                        + abbreviate(body));
            }
            out.add(new S3Event(kindOf(name), name, bucket, decode(rawKey), size(object.path("size"), body),
                    bare(text(object, "eTag")), ListedObject.versionOrNull(text(object, "versionId")), text(object, "sequencer"),
                    text(r.path("userIdentity"), "principalId"), time(text(r, "eventTime")), envelope));
        }
        return out;
    }

    private static S3Event eventBridge(JsonNode root, String body) {
        String type = text(root, "detail-type");
        JsonNode detail = root.get("detail");
        String bucket = text(detail.path("bucket"), "name");
        JsonNode object = detail.path("object");
        String rawKey = text(object, "key");
        String reason = text(detail, "reason");
        S3Event.Kind kind;
        if ("Object Created".equals(type)) {
            kind = S3Event.Kind.CREATED;
        } else if ("Object Deleted".equals(type)) {
            // Lifecycle expirations are the destination's own lifecycle rules' business.
            kind = "Lifecycle Expiration".equals(reason) ? S3Event.Kind.OTHER : S3Event.Kind.REMOVED;
        } else {
            kind = S3Event.Kind.OTHER;
        }
        if (kind != S3Event.Kind.OTHER && (bucket == null || rawKey == null)) {
            throw new PoisonMessageException("EventBridge S3 event lacks detail.bucket.name or detail.object.key: "
                    + abbreviate(body));
        }
        return new S3Event(kind, type + (reason != null ? " (" + reason + ")" : ""), bucket,
                rawKey == null ? null : decode(rawKey), size(object.path("size"), body), bare(text(object, "etag")),
                ListedObject.versionOrNull(text(object, "version-id")), text(object, "sequencer"), text(detail, "requester"),
                time(text(root, "time")), "eventbridge");
    }

    /** Event names come without the "s3:" prefix from S3 and with it from some compatible stores. */
    static S3Event.Kind kindOf(String eventName) {
        String n = eventName.startsWith("s3:") ? eventName.substring(3) : eventName;
        if (n.startsWith("ObjectCreated:")) {
            return S3Event.Kind.CREATED;
        }
        if (n.equals("ObjectRemoved:Delete") || n.equals("ObjectRemoved:DeleteMarkerCreated")) {
            return S3Event.Kind.REMOVED;
        }
        if (n.equals("TestEvent")) {
            return S3Event.Kind.TEST;
        }
        return S3Event.Kind.OTHER;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PoisonMessageException("S3 event key '" + raw + "' is not URL-encoded: " + e.getMessage());
        }
    }

    private static long size(JsonNode size, String body) {
        if (size.isMissingNode() || size.isNull()) {
            return -1;
        }
        if (size.isNumber()) {
            return size.asLong();
        }
        try {
            return Long.parseLong(size.asText().strip());
        } catch (NumberFormatException e) {
            throw new PoisonMessageException("S3 event size '" + size.asText() + "' is not a number: " + abbreviate(body));
        }
    }

    private static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String bare(String etag) {
        String e = ListedObject.bareEtag(etag);
        return e == null || e.isEmpty() ? null : e;
    }

    /** Unversioned buckets may say "null" for the version id. */

    static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ').replace('\r', ' ');
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
