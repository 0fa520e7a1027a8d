package io.s3replicator.testing;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Emulates S3 event notifications for an armed bucket, for every writer in this JVM: a global
 * SDK interceptor (listed in software/amazon/awssdk/global/handlers/execution.interceptors)
 * that, after each successful PutObject, CopyObject, CompleteMultipartUpload or DeleteObject
 * on the bucket, publishes the event S3 would send to the armed SQS queue: URL-encoded key,
 * size, ETag, version id, a per-bucket increasing sequencer, and the writer's principal id
 * (mapped from the access key id the request was signed with). Writes to one key are
 * serialised so the sequencer order is the order the store applied them, as in S3.
 *
 * <p>SQS delivers at least once and in no particular order: a share of events can be sent
 * twice, or delayed by a few seconds.
 */
public class S3EventEmitter implements ExecutionInterceptor {
    /** Where one bucket's events go and how they are delivered. */
    public record Armed(String endpoint, String queueUrl, Function<String, String> principalOfAccessKey,
                        double duplicateShare, double delayShare, SqsClient sqs, S3Client head) {
    }

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");
    private static final Map<String, Armed> ARMED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> SEQUENCERS = new ConcurrentHashMap<>();
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> EMITTED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> WRITES = new ConcurrentHashMap<>();
    private static final ExecutionAttribute<String> LOCKED = new ExecutionAttribute<>("S3EventEmitterLock");

    public static void arm(String bucket, Armed armed) {
        ARMED.put(bucket, armed);
        SEQUENCERS.putIfAbsent(bucket, new AtomicLong(0x0055AED6DCD90281L));
    }

    public static void disarm(String bucket) {
        ARMED.remove(bucket);
    }

    /** Events emitted for writes by this principal. */
    public static long emitted(String principal) {
        AtomicLong n = EMITTED.get(principal);
        return n == null ? 0 : n.get();
    }

    /** Writes to armed buckets signed with this access key: {@code kind} is "copy" (any create) or "delete". */
    public static long writes(String accessKey, String kind) {
        AtomicLong n = WRITES.get(accessKey + "/" + kind);
        return n == null ? 0 : n.get();
    }

    public static void resetCounts() {
        EMITTED.clear();
        WRITES.clear();
    }

    private record Target(String bucket, String key) {
    }

    private static Target target(SdkRequest request) {
        if (request instanceof PutObjectRequest r) {
            return new Target(r.bucket(), r.key());
        }
        if (request instanceof CopyObjectRequest r) {
            return new Target(r.destinationBucket(), r.destinationKey());
        }
        if (request instanceof CompleteMultipartUploadRequest r) {
            return new Target(r.bucket(), r.key());
        }
        if (request instanceof DeleteObjectRequest r) {
            return new Target(r.bucket(), r.key());
        }
        return null;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Target t = target(context.request());
        if (t == null || !ARMED.containsKey(t.bucket())) {
            return;
        }
        String lock = t.bucket() + "/" + t.key();
        LOCKS.computeIfAbsent(lock, k -> new ReentrantLock()).lock();
        attributes.putAttribute(LOCKED, lock);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String lock = attributes.getAttribute(LOCKED);
        if (lock == null) {
            return;
        }
        try {
            Target t = target(context.request());
            Armed armed = ARMED.get(t.bucket());
            if (armed != null) {
                emit(armed, t, context.request(), context.response(), accessKey(context.httpRequest()
                        .firstMatchingHeader("Authorization").orElse("")));
            }
        } finally {
            unlock(lock);
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        String lock = attributes.getAttribute(LOCKED);
        if (lock != null) {
            unlock(lock);
        }
    }

    private static void unlock(String lock) {
        ReentrantLock l = LOCKS.get(lock);
        if (l != null && l.isHeldByCurrentThread()) {
            l.unlock();
        }
    }

    private static void emit(Armed armed, Target t, SdkRequest request, SdkResponse response, String accessKey) {
        String principal = armed.principalOfAccessKey().apply(accessKey);
        String sequencer = String.format("%018X", SEQUENCERS.get(t.bucket()).incrementAndGet());
        Instant now = Instant.now();
        S3Events.Event event;
        if (request instanceof DeleteObjectRequest) {
            DeleteObjectResponse d = (DeleteObjectResponse) response;
            event = new S3Events.Event(Boolean.TRUE.equals(d.deleteMarker()) ? "ObjectRemoved:DeleteMarkerCreated"
                    : "ObjectRemoved:Delete", t.bucket(), t.key(), -1, null, d.versionId(), sequencer, principal, now);
        } else {
            // What S3 puts in the event is what the store now holds (this key's writes are serialised).
            HeadObjectResponse h = armed.head().headObject(b -> b.bucket(t.bucket()).key(t.key()));
            String name = request instanceof PutObjectRequest ? "ObjectCreated:Put"
                    : request instanceof CopyObjectRequest ? "ObjectCreated:Copy" : "ObjectCreated:CompleteMultipartUpload";
            event = new S3Events.Event(name, t.bucket(), t.key(), h.contentLength(), h.eTag().replace("\"", ""),
                    h.versionId(), sequencer, principal, now);
        }
        EMITTED.computeIfAbsent(principal, p -> new AtomicLong()).incrementAndGet();
        WRITES.computeIfAbsent(accessKey + "/" + (request instanceof DeleteObjectRequest ? "delete" : "copy"),
                k -> new AtomicLong()).incrementAndGet();
        String body = ThreadLocalRandom.current().nextBoolean() ? S3Events.direct(event)
                : S3Events.sns(S3Events.direct(event));
        send(armed, body);
        if (ThreadLocalRandom.current().nextDouble() < armed.duplicateShare()) {
            send(armed, body);
        }
    }

    private static void send(Armed armed, String body) {
        int delay = ThreadLocalRandom.current().nextDouble() < armed.delayShare()
                ? ThreadLocalRandom.current().nextInt(1, 4) : 0;
        armed.sqs().sendMessage(b -> b.queueUrl(armed.queueUrl()).messageBody(body).delaySeconds(delay));
    }

    private static String accessKey(String authorization) {
        Matcher m = CREDENTIAL.matcher(authorization);
        return m.find() ? m.group(1) : "";
    }
}
