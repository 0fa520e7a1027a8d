package io.s3replicator.record;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The replicator's own Micrometer meters, served in Prometheus format by Camel Main's
 * management server next to Camel's route and JVM meters. Tags are bounded: pair id,
 * outcome, a reason or failure class from a fixed vocabulary ({@link Reasons}), side, path.
 * Never an object key or a credential.
 */
public class ReplicatorMetrics {
    public static final String OBJECTS = "s3replicator.objects";
    public static final String BYTES = "s3replicator.bytes";
    public static final String TRANSFER_DURATION = "s3replicator.transfer.duration";
    public static final String OBJECT_SIZE = "s3replicator.object.size";
    public static final String KEYS_LISTED = "s3replicator.diff.keys.listed";
    public static final String DIFF_OBJECTS = "s3replicator.diff.objects";
    public static final String JOBS_EMITTED = "s3replicator.diff.jobs.emitted";
    public static final String DIFF_RUNS = "s3replicator.diff.runs";
    public static final String JOBS_QUEUED = "s3replicator.jobs.queued";
    public static final String JOBS_IN_FLIGHT = "s3replicator.jobs.in.flight";
    public static final String EVENTS = "s3replicator.events";
    public static final String LOOP_GUARD = "s3replicator.loop.guard";

    public static final String PAIR_INFO = "s3replicator.pair.info";
    public static final String DIFF_LAST_END = "s3replicator.diff.last.end.timestamp";
    public static final String DLQ_MESSAGES = "s3replicator.dlq.messages";
    public static final String PAIR_IN_FLIGHT = "s3replicator.pair.jobs.in.flight";

    private final MeterRegistry registry;
    /** Per pair and result: epoch seconds of the last diff that ended so. */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> lastDiffEnd =
            new java.util.concurrent.ConcurrentHashMap<>();

    public ReplicatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One finished job: called once per job by the recorder, whatever its outcome. */
    public void jobFinished(String pairId, String outcome, String reason, long bytes, String path, long millis) {
        String tagReason = Reasons.tag(outcome, reason);
        Counter.builder(OBJECTS).description("Jobs finished, by outcome and reason (skips) or class (failures)")
                .tags("pair", pairId, "outcome", outcome, "reason", tagReason)
                .register(registry).increment();
        if (bytes > 0) {
            Counter.builder(BYTES).description("Bytes written to destinations (or that a dry run would write)")
                    .baseUnit("bytes").tags("pair", pairId, "outcome", outcome)
                    .register(registry).increment(bytes);
        }
        if (path != null) {
            // Latency only of jobs that moved bytes: skips would drown the distribution in zeros.
            Timer.builder(TRANSFER_DURATION).description("Time from taking a job off the queue to its outcome")
                    .tags("pair", pairId, "path", path)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofHours(2))
                    .register(registry).record(millis, TimeUnit.MILLISECONDS);
            DistributionSummary.builder(OBJECT_SIZE).description("Sizes of objects transferred").baseUnit("bytes")
                    .tags("pair", pairId)
                    .serviceLevelObjectives(1 << 10, 1 << 20, 8 << 20, 64 << 20, 512L << 20, 5L << 30)
                    .register(registry).record(bytes);
        }
    }

    /**
     * One S3 event record read from a pair's events queue: {@code accepted} (became a job) or
     * {@code dropped}, with the kind (create, delete) or the drop reason from a fixed vocabulary.
     */
    public void event(String pairId, String result, String reason) {
        Counter.builder(EVENTS).description("S3 event records read, by result and reason")
                .tags("pair", pairId, "result", result, "reason", reason)
                .register(registry).increment();
    }

    /**
     * The two-way loop guard stopped a transfer, by layer: {@code principal} (the event was
     * caused by the replicator's own identity), {@code marker} (the source object is the
     * replicator's copy of the destination's), {@code own_delete} (the delete event is the echo of
     * the replicator's own delete), {@code duplicate} (the same job is already in flight).
     */
    public void loopGuard(String pairId, String layer) {
        Counter.builder(LOOP_GUARD).description("Transfers the loop guard stopped, by layer")
                .tags("pair", pairId, "layer", layer)
                .register(registry).increment();
    }

    /** A counter for one of a run's diff tallies (keys listed per side, objects by verdict). */
    Counter diffCounter(String name, String pairId, String tagName, String tagValue) {
        return Counter.builder(name).tags("pair", pairId, tagName, tagValue).register(registry);
    }

    void diffEnded(String pairId, boolean failed) {
        String result = failed ? "failed" : "ok";
        Counter.builder(DIFF_RUNS).description("Diff runs ended").tags("pair", pairId, "result", result)
                .register(registry).increment();
        lastDiffEnd.computeIfAbsent(pairId + "\n" + result, k -> {
            java.util.concurrent.atomic.AtomicLong at = new java.util.concurrent.atomic.AtomicLong();
            Gauge.builder(DIFF_LAST_END, at, java.util.concurrent.atomic.AtomicLong::get)
                    .description("When the pair's last diff with this result ended (epoch seconds)").baseUnit("seconds")
                    .tags("pair", pairId, "result", result).register(registry);
            return at;
        }).set(System.currentTimeMillis() / 1000);
    }

    /**
     * The Prometheus info idiom: value 1, the pair's source and destination as tags (bucket and
     * prefix only: endpoints and credential sources stay out), so pairs show before their first diff.
     */
    public void pairInfo(String pairId, String source, String destination) {
        Gauge.builder(PAIR_INFO, () -> 1).description("A replication pair this process serves")
                .tags("pair", pairId, "source", source, "destination", destination).strongReference(true)
                .register(registry);
    }

    /** The pair's jobs being transferred in this process now, read at scrape time. */
    public void pairInFlight(String pairId, Supplier<Number> value) {
        Gauge.builder(PAIR_IN_FLIGHT, value).description("Jobs of the pair being transferred now").tags("pair", pairId)
                .strongReference(true).register(registry);
    }

    /** A gauge read at scrape time, e.g. the queue depth. */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).strongReference(true).register(registry);
    }
}
