package io.s3replicator.decide;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.S3Event;
import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.model.Job;
import io.s3replicator.state.OwnDeletes;
import io.s3replicator.store.WriterIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * DECIDE for S3 events, before any job is queued: turns a pair's event records into jobs and
 * drops, each with a counted metric reason and one log line, what must not become one:
 * test events, events that are not creates or deletes, other buckets, keys outside the
 * source prefix, excluded or ignored keys, deletes when the pair does not replicate them, and
 * in a two-way pair the events the replicator caused itself (loop guard layer 1: the event's
 * principal is the replicator's own identity; and the echo of the replicator's own delete).
 */
public class EventDecider {
    /** Per-object lines for events, like {@code io.s3replicator.objects} for jobs. */
    private static final Logger EVENTS = LoggerFactory.getLogger("io.s3replicator.events");

    private final ReplicatorMetrics metrics;
    private final OwnDeletes ownDeletes;

    /** @param metrics null for none */
    public EventDecider(ReplicatorMetrics metrics, OwnDeletes ownDeletes) {
        this.metrics = metrics;
        this.ownDeletes = ownDeletes;
    }

    /**
     * @param identity who the replicator writes to the source bucket as (loop guard layer 1), or
     *                 null when unknown or the pair is not two-way
     */
    public List<Job> jobs(ReplicationPair pair, WriterIdentity identity, List<S3Event> events) {
        List<Job> out = new ArrayList<>();
        for (S3Event e : events) {
            Job job = decide(pair, identity, e);
            if (job != null) {
                out.add(job);
            }
        }
        return out;
    }

    private Job decide(ReplicationPair pair, WriterIdentity identity, S3Event e) {
        switch (e.kind()) {
            case TEST -> {
                return drop(pair, e, "test_event", "s3:TestEvent (the notification reaches the queue)");
            }
            case OTHER -> {
                return drop(pair, e, "not_replicated", "not a create or delete event");
            }
            default -> {
                // CREATED, REMOVED: below
            }
        }
        if (!pair.source().bucket().equals(e.bucket())) {
            return drop(pair, e, "other_bucket", "event for bucket " + e.bucket() + ", not the pair's source bucket");
        }
        if (!pair.inSourcePrefix(e.key())) {
            return drop(pair, e, "outside_prefix", "outside the source prefix '" + pair.source().prefix() + "'");
        }
        if (!pair.filter().accepts(pair.relativeKey(e.key()))) {
            return drop(pair, e, "excluded", "excluded by include/exclude");
        }
        if (pair.features().ignore().ignores(e.bucket(), e.key())) {
            return drop(pair, e, "ignored", "on the ignore list");
        }
        boolean delete = e.kind() == S3Event.Kind.REMOVED;
        if (delete && !pair.features().deletes()) {
            return drop(pair, e, "deletes_disabled", "deletes disabled for this pair");
        }
        if (pair.features().twoWay()) {
            if (identity != null && identity.matches(e.principal())) {
                if (delete && ownDeletes != null) {
                    // The echo is dropped here; its record must not linger to swallow a later user delete.
                    ownDeletes.consume(OwnDeleteLocation.of(pair.source()), e.key(), e.time());
                }
                guard(pair, "principal");
                return drop(pair, e, "loop_guard", "repeated transfer: caused by the replicator itself (principal "
                        + e.principal() + ")");
            }
            if (delete && ownDeletes != null && ownDeletes.consume(OwnDeleteLocation.of(pair.source()), e.key(), e.time())) {
                guard(pair, "own_delete");
                return drop(pair, e, "loop_guard", "repeated transfer: the echo of the replicator's own delete");
            }
        }
        if (e.kind() == S3Event.Kind.CREATED && e.etag() == null) {
            // ObjectCreated always names the ETag; without one the copy cannot be pinned, the worker looks it up.
            EVENTS.debug("pair {}: event {} for {} has no ETag", pair.id(), e.name(), e.key());
        }
        if (metrics != null) {
            metrics.event(pair.id(), "accepted", delete ? "delete" : "create");
        }
        // Without an event time a delete gets the oldest time: "never remove a destination object
        // newer than the event" then keeps the object, and the diff decides. A create may use now.
        long time = e.time() != null ? e.time().toEpochMilli() : delete ? 0 : System.currentTimeMillis();
        return new Job(pair.id(), null, delete ? Job.Operation.DELETE : Job.Operation.COPY, e.key(),
                Math.max(0, e.size()), e.etag(), e.versionId(), e.sequencer(), "EVENT", Job.Reason.EVENT, time);
    }

    /** A message of the pair's events queue that is not an S3 event. */
    public void poison(ReplicationPair pair) {
        if (metrics != null) {
            metrics.event(pair.id(), "dropped", "poison");
        }
    }

    private void guard(ReplicationPair pair, String layer) {
        if (metrics != null) {
            metrics.loopGuard(pair.id(), layer);
        }
    }

    private Job drop(ReplicationPair pair, S3Event e, String tag, String reason) {
        if (metrics != null) {
            metrics.event(pair.id(), "dropped", tag);
        }
        EVENTS.info("{} {} {} {} {}", kv("pair", pair.id()), kv("event", e.name()),
                kv("key", e.key() == null ? "-" : e.key()), kv("outcome", "DROPPED"), kv("reason", reason));
        return null;
    }
}
