package io.s3replicator.decide;

import io.s3replicator.model.Job;
import io.s3replicator.state.KeySequencers;

/**
 * DECIDE, at the worker: an event job whose sequencer is older than the last one applied to
 * the same source key of the pair is stale (S3 does not deliver events in order). The
 * sequencer is advanced as the job starts, so a later older event is dropped even while this
 * one is still copying; the same event again (a retry) is not stale.
 */
public class EventOrder {
    public static final String STALE = "stale event: a newer event for this key was already applied";

    private final KeySequencers sequencers;

    public EventOrder(KeySequencers sequencers) {
        this.sequencers = sequencers;
    }

    /** True when the job must be dropped as stale. Jobs without a sequencer (diff jobs) are never stale. */
    public boolean isStale(Job job) {
        if (!"EVENT".equals(job.origin()) || job.sequencer() == null) {
            return false;
        }
        return !sequencers.advance(job.pairId(), job.key(), job.sequencer());
    }
}
