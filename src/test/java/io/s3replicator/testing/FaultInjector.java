package io.s3replicator.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection through real requests (real emulators in the test JVM, no Docker): an SDK interceptor that every
 * client in the test JVM loads (software/amazon/awssdk/global/handlers/execution.interceptors).
 * It records each HTTP attempt and, for buckets a test arms, rejects, corrupts or reacts to
 * requests, or misreports what the store received. Unarmed buckets pass through untouched, so tests do not disturb each other.
 */
public class FaultInjector implements ExecutionInterceptor {
    /** One HTTP attempt: operation, bucket and part number (0 when none). */
    public record Call(String operation, String bucket, int partNumber) {
    }

    private static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();
    private static final ConcurrentHashMap<String, Integer> CRASH_AFTER_PARTS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, AtomicInteger> PARTS_SENT = new ConcurrentHashMap<>();
    /** bucket -> part number -> attempts left that fail with 503 SlowDown. */
    private static final ConcurrentHashMap<String, ConcurrentHashMap<Integer, AtomicInteger>> SLOW_DOWN = new ConcurrentHashMap<>();
    /** bucket -> part number -> uploads left that the store reports as received damaged. */
    private static final ConcurrentHashMap<String, ConcurrentHashMap<Integer, AtomicInteger>> CORRUPT = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Runnable> AFTER_FIRST_PART = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, Runnable> BEFORE_NEXT_PUT = new ConcurrentHashMap<>();
    /** bucket -> HTTP status every PutObject into it fails with, until reset. */
    private static final ConcurrentHashMap<String, Integer> FAIL_PUTS = new ConcurrentHashMap<>();
    /** "bucket/key" -> HTTP status every PutObject of that one key fails with, until reset. */
    private static final ConcurrentHashMap<String, Integer> FAIL_PUT_KEYS = new ConcurrentHashMap<>();
    /** A worker process started with -Ds3replicator.test.part-delay-ms=N sends each part N ms late: a slow copy to kill mid-way. */
    private static final long PART_DELAY_MS = Long.getLong("s3replicator.test.part-delay-ms", 0);
    /** A worker process started with -Ds3replicator.test.put-delay-ms=N sends each PutObject N ms late: a slow run of small objects. */
    private static final long PUT_DELAY_MS = Long.getLong("s3replicator.test.put-delay-ms", 0);
    /** A worker process started with -Ds3replicator.test.send-delay-ms=N sends each SQS SendMessage N ms late: a diff to kill between queueing steps. */
    private static final long SEND_DELAY_MS = Long.getLong("s3replicator.test.send-delay-ms", 0);
    /**
     * A worker process started with -Ds3replicator.test.hold-after-complete=FILE stops after each successful
     * CompleteMultipartUpload for as long as FILE exists: a completer to kill after the store completed.
     */
    private static final String HOLD_AFTER_COMPLETE = System.getProperty("s3replicator.test.hold-after-complete");
    /** bucket -> milliseconds every PutObject into it takes before it is sent. */
    private static final ConcurrentHashMap<String, Long> SLOW_PUTS = new ConcurrentHashMap<>();
    /** bucket -> milliseconds every UploadPart / UploadPartCopy into it takes before it is sent. */
    private static final ConcurrentHashMap<String, Long> SLOW_PARTS = new ConcurrentHashMap<>();

    /** Queue names whose visibility extensions (ChangeMessageVisibilityBatch) fail, as when a worker's extension is lost. */
    private static final java.util.Set<String> FAIL_EXTENSIONS = ConcurrentHashMap.newKeySet();

    /**
     * Every ChangeMessageVisibilityBatch on the queue named {@code queue} fails until {@link #stopFailingExtensions}:
     * a message in hand becomes visible again while its job still runs, as after a lost extension or SQS's
     * 12-hour visibility ceiling.
     */
    public static void failExtensions(String queue) {
        FAIL_EXTENSIONS.add(queue);
    }

    public static void stopFailingExtensions(String queue) {
        FAIL_EXTENSIONS.remove(queue);
    }

    /** Queue name -> milliseconds the next SendMessageBatch to it is held before it is sent (once). */
    private static final ConcurrentHashMap<String, Long> HOLD_NEXT_BATCH = new ConcurrentHashMap<>();

    /** The next SendMessageBatch to the queue named {@code queue} waits {@code millis} before it goes out: a straggling send. */
    public static void holdNextBatchSend(String queue, long millis) {
        HOLD_NEXT_BATCH.put(queue, millis);
    }

    /** While true, every DynamoDB BatchGetItem fails: a diff cannot read its jobs' queued marks. */
    private static volatile boolean failBatchGets;

    public static void failBatchGets(boolean fail) {
        failBatchGets = fail;
    }

    /** Thread names whose SQS ReceiveMessage fails: steers messages to other workers in this JVM. */
    private static final java.util.Set<String> DEAF_THREADS = ConcurrentHashMap.newKeySet();

    /** The consumer threads named {@code threads} receive no SQS message until {@link #hear}. */
    public static void deafen(java.util.Collection<String> threads) {
        DEAF_THREADS.addAll(threads);
    }

    public static void hear(java.util.Collection<String> threads) {
        DEAF_THREADS.removeAll(threads);
    }

    /** Names of the SQS consumer threads running in this JVM now. */
    public static java.util.Set<String> sqsConsumerThreads() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().contains("aws2-sqs")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    public static void reset(String bucket) {
        CALLS.removeIf(c -> bucket.equals(c.bucket()));
        CRASH_AFTER_PARTS.remove(bucket);
        PARTS_SENT.remove(bucket);
        SLOW_DOWN.remove(bucket);
        CORRUPT.remove(bucket);
        AFTER_FIRST_PART.remove(bucket);
        BEFORE_NEXT_PUT.remove(bucket);
        FAIL_PUTS.remove(bucket);
        FAIL_PUT_KEYS.keySet().removeIf(k -> k.startsWith(bucket + "/"));
        SLOW_PUTS.remove(bucket);
        SLOW_PARTS.remove(bucket);
    }

    /** Every PutObject into {@code bucket} fails with {@code status} (503 SlowDown, 403 AccessDenied) until reset. */
    public static void failPuts(String bucket, int status) {
        FAIL_PUTS.put(bucket, status);
    }

    /** Every PutObject of {@code key} into {@code bucket} fails with {@code status} until reset; other keys pass. */
    public static void failPuts(String bucket, String key, int status) {
        FAIL_PUT_KEYS.put(bucket + "/" + key, status);
    }

    public static void stopFailingPuts(String bucket) {
        FAIL_PUTS.remove(bucket);
    }

    /** Every PutObject into {@code bucket} waits {@code millis} before it is sent: a slow job. */
    public static void slowPuts(String bucket, long millis) {
        SLOW_PUTS.put(bucket, millis);
    }

    /** Every part uploaded into {@code bucket} waits {@code millis} before it is sent: a slow multipart copy. */
    public static void slowParts(String bucket, long millis) {
        SLOW_PARTS.put(bucket, millis);
    }

    /** Like a worker dying: after {@code parts} UploadParts into {@code bucket}, every further one is refused unsent. */
    public static void crashAfterParts(String bucket, int parts) {
        PARTS_SENT.put(bucket, new AtomicInteger());
        CRASH_AFTER_PARTS.put(bucket, parts);
    }

    public static void slowDown(String bucket, int partNumber, int times) {
        SLOW_DOWN.computeIfAbsent(bucket, b -> new ConcurrentHashMap<>()).put(partNumber, new AtomicInteger(times));
    }

    public static void corrupt(String bucket, int partNumber, int times) {
        CORRUPT.computeIfAbsent(bucket, b -> new ConcurrentHashMap<>()).put(partNumber, new AtomicInteger(times));
    }

    /** Runs {@code action} once, right after the first part (UploadPart or UploadPartCopy) into {@code bucket} succeeded. */
    public static void afterFirstPart(String bucket, Runnable action) {
        AFTER_FIRST_PART.put(bucket, action);
    }

    /**
     * Runs {@code action} once, just before the next PutObject into {@code bucket} is sent: a write
     * that lands between a copy's plan and its final request. The action's own requests pass.
     */
    public static void beforeNextPut(String bucket, Runnable action) {
        BEFORE_NEXT_PUT.put(bucket, action);
    }

    public static List<Call> calls(String bucket, String operation) {
        return CALLS.stream().filter(c -> bucket.equals(c.bucket()) && operation.equals(c.operation())).toList();
    }

    public static long count(String bucket, String operation) {
        return calls(bucket, operation).size();
    }

    /**
     * The store answers an UploadPart with the ETag (MD5) of the bytes it received: reporting a
     * different one is what a part damaged on the way looks like to the copier.
     */
    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        String bucket = bucket(context.request());
        if (bucket != null && context.response() instanceof UploadPartResponse r
                && takeOne(CORRUPT, bucket, partNumber(context.request()))) {
            String etag = r.eTag().replace("\"", "");
            String damaged = (etag.charAt(0) == '0' ? '1' : '0') + etag.substring(1);
            return r.toBuilder().eTag("\"" + damaged + "\"").build();
        }
        return context.response();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String bucket = bucket(context.request());
        String operation = operation(attributes);
        if (SEND_DELAY_MS > 0 && ("SendMessage".equals(operation) || "SendMessageBatch".equals(operation))) {
            // Said on stderr, so a test can kill the process while the send is held.
            System.err.println("fault: holding " + operation + " for " + SEND_DELAY_MS + " ms");
            try {
                Thread.sleep(SEND_DELAY_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if ("SendMessageBatch".equals(operation)) {
            String url = context.request().getValueForField("QueueUrl", String.class).orElse("");
            Long hold = HOLD_NEXT_BATCH.remove(url.substring(url.lastIndexOf('/') + 1));
            if (hold != null) {
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (failBatchGets && "BatchGetItem".equals(operation)) {
            throw software.amazon.awssdk.core.exception.SdkClientException.create("state store unreachable (injected)");
        }
        if ("ReceiveMessage".equals(operation)) {
            String thread = Thread.currentThread().getName();
            if (DEAF_THREADS.contains(thread)) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("receive refused (injected)");
            }
        }
        if ("ChangeMessageVisibilityBatch".equals(operation)) {
            String url = context.request().getValueForField("QueueUrl", String.class).orElse("");
            if (FAIL_EXTENSIONS.contains(url.substring(url.lastIndexOf('/') + 1))) {
                throw software.amazon.awssdk.core.exception.SdkClientException.create("connection reset (injected)");
            }
        }
        if (bucket == null) {
            return;
        }
        int part = partNumber(context.request());
        CALLS.add(new Call(operation, bucket, part));
        if ("PutObject".equals(operation)) {
            Runnable before = BEFORE_NEXT_PUT.remove(bucket);
            if (before != null) {
                before.run();
            }
            long slow = Math.max(PUT_DELAY_MS, SLOW_PUTS.getOrDefault(bucket, 0L));
            if (slow > 0) {
                try {
                    Thread.sleep(slow);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Integer status = FAIL_PUTS.get(bucket);
            if (status == null && context.request() instanceof software.amazon.awssdk.services.s3.model.PutObjectRequest put) {
                status = FAIL_PUT_KEYS.get(bucket + "/" + put.key());
            }
            if (status != null) {
                throw status == 503 ? error(503, "SlowDown", "Please reduce your request rate (injected)")
                        : error(status, status == 403 ? "AccessDenied" : "Injected", "injected failure");
            }
        }
        if (!"UploadPart".equals(operation) && !"UploadPartCopy".equals(operation)) {
            return;
        }
        long partDelay = Math.max(PART_DELAY_MS, SLOW_PARTS.getOrDefault(bucket, 0L));
        if (partDelay > 0) {
            try {
                Thread.sleep(partDelay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Integer crashAfter = CRASH_AFTER_PARTS.get(bucket);
        if (crashAfter != null && PARTS_SENT.get(bucket).incrementAndGet() > crashAfter) {
            throw error(400, "InjectedCrash", "the worker died (injected)");
        }
        if (takeOne(SLOW_DOWN, bucket, part)) {
            throw error(503, "SlowDown", "Please reduce your request rate (injected)");
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        String bucket = bucket(context.request());
        String operation = operation(attributes);
        if (HOLD_AFTER_COMPLETE != null && "CompleteMultipartUpload".equals(operation)) {
            java.nio.file.Path hold = java.nio.file.Path.of(HOLD_AFTER_COMPLETE);
            while (java.nio.file.Files.exists(hold)) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (bucket != null && ("UploadPart".equals(operation) || "UploadPartCopy".equals(operation))) {
            Runnable action = AFTER_FIRST_PART.remove(bucket);
            if (action != null) {
                action.run();
            }
        }
    }

    private static boolean takeOne(ConcurrentHashMap<String, ConcurrentHashMap<Integer, AtomicInteger>> rules,
                                   String bucket, int part) {
        var perPart = rules.get(bucket);
        AtomicInteger left = perPart == null ? null : perPart.get(part);
        return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    }

    private static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }

    private static String operation(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    private static String bucket(SdkRequest request) {
        return request.getValueForField("Bucket", String.class)
                .or(() -> request.getValueForField("DestinationBucket", String.class)).orElse(null);
    }

    private static int partNumber(SdkRequest request) {
        return request.getValueForField("PartNumber", Integer.class).orElse(0);
    }
}
