package io.s3replicator.testing;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Relayed parts held in memory at once, measured through real requests: a relayed part's buffer lives
 * from its ranged GET at the source until its UploadPart at the destination ends, both on one thread
 * (MultipartCopier reads the part into one array, then uploads it). Counts the spans of watched source
 * buckets and keeps their peak. A global interceptor on the test classpath.
 */
public class RelayedParts implements ExecutionInterceptor {
    private static final Set<String> WATCHED = ConcurrentHashMap.newKeySet();
    private static final AtomicInteger HELD = new AtomicInteger();
    private static final AtomicInteger PEAK = new AtomicInteger();
    private static final AtomicInteger RELAYED = new AtomicInteger();
    /** Names of the threads that read a part. */
    private static final Set<String> THREADS = ConcurrentHashMap.newKeySet();
    /** Threads holding a part read from a watched bucket. */
    private static final Set<Thread> HOLDING = ConcurrentHashMap.newKeySet();

    /** Watches parts read from {@code sourceBucket}; resets the counts. */
    public static void watch(String sourceBucket) {
        WATCHED.add(sourceBucket);
        HELD.set(0);
        PEAK.set(0);
        RELAYED.set(0);
        HOLDING.clear();
        THREADS.clear();
    }

    /** Names of the threads that read a watched part since {@link #watch}. */
    public static Set<String> threads() {
        return Set.copyOf(THREADS);
    }

    public static void stop(String sourceBucket) {
        WATCHED.remove(sourceBucket);
    }

    /** The most parts held at once since {@link #watch}. */
    public static int peak() {
        return PEAK.get();
    }

    /** Parts uploaded since {@link #watch}. */
    public static int relayed() {
        return RELAYED.get();
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof GetObjectRequest r && r.range() != null && WATCHED.contains(r.bucket())
                && HOLDING.add(Thread.currentThread())) {
            THREADS.add(Thread.currentThread().getName());
            PEAK.accumulateAndGet(HELD.incrementAndGet(), Math::max);
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof UploadPartRequest && HOLDING.remove(Thread.currentThread())) {
            HELD.decrementAndGet();
            RELAYED.incrementAndGet();
        }
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if ((context.request() instanceof UploadPartRequest || context.request() instanceof GetObjectRequest)
                && HOLDING.remove(Thread.currentThread())) {
            HELD.decrementAndGet();
        }
    }
}
