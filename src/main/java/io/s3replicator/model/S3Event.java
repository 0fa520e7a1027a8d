package io.s3replicator.model;

import java.time.Instant;

/**
 * One S3 event notification record, whatever envelope it came in (direct S3 -> SQS, SNS, or
 * EventBridge), with the key already URL-decoded.
 *
 * @param kind      what it means for replication
 * @param name      the event name as sent (e.g. ObjectCreated:Put, Object Deleted), for logs
 * @param bucket    bucket name
 * @param key       object key, decoded ("a+b%2Bc" in the event is "a b+c")
 * @param size      object size, or -1 when the event has none (deletes)
 * @param etag      ETag without quotes, or null
 * @param versionId version id, or null
 * @param sequencer S3's per-key sequencer (hex), or null
 * @param principal who caused it: userIdentity.principalId, or EventBridge's detail.requester
 * @param time      when S3 processed the request, or null
 * @param envelope  "s3", "sns" or "eventbridge"
 */
public record S3Event(Kind kind, String name, String bucket, String key, long size, String etag, String versionId,
                      String sequencer, String principal, Instant time, String envelope) {

    public enum Kind {
        /** ObjectCreated:* / "Object Created": copy. */
        CREATED,
        /** ObjectRemoved:Delete, ObjectRemoved:DeleteMarkerCreated / "Object Deleted" by an API call: delete. */
        REMOVED,
        /** s3:TestEvent, sent when a notification is configured. */
        TEST,
        /** Anything else (restore, tagging, ACL, lifecycle, replication, SNS subscription messages). */
        OTHER
    }
}
