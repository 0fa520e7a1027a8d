package io.s3replicator.discover;

import io.s3replicator.model.LookaheadIterator;
import io.s3replicator.model.ListedObject;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;

import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Streaming merge-join of a source and a destination listing, both in key order, yielding
 * a COPY job for each source object that is missing or differs at the destination.
 * Memory is O(1) besides the listings' current pages, whatever the bucket size.
 */
public class DiffJoin extends LookaheadIterator<Job> {
    private final ReplicationPair pair;
    private final RunStats stats;
    private final PeekingIterator source;
    private final PeekingIterator destination;
    private Consumer<ListedObject> onExtra;
    /** What this join added to the run's counters, which other joins of the run share ({@link #retract}). */
    private long extras;
    private long excludedObjects;
    private long excludedBytes;
    private long inStepObjects;
    private long inStepBytes;
    private VersionCheck versions = (s, d) -> true;
    private CopyCheck copies = (s, d) -> false;
    private java.util.function.Predicate<String> maybeQueued = relativeKey -> false;

    /** With compareVersions: whether the destination copy was made from the source's listed version. */
    @FunctionalInterface
    public interface VersionCheck {
        boolean sameVersion(ListedObject source, ListedObject destination);
    }

    public DiffJoin(ReplicationPair pair, RunStats stats, Iterator<ListedObject> source,
                    Iterator<ListedObject> destination) {
        this(pair, stats, source, destination, extra -> { });
    }

    /** @param onExtra told of each destination object with no source twin (verify names them) */
    public DiffJoin(ReplicationPair pair, RunStats stats, Iterator<ListedObject> source,
                    Iterator<ListedObject> destination, Consumer<ListedObject> onExtra) {
        this.pair = pair;
        this.stats = stats;
        this.source = new PeekingIterator(source);
        this.destination = new PeekingIterator(destination);
        this.onExtra = onExtra;
    }

    /** Whether a destination object whose ETag differs from the source's is known to be the copy of it. */
    @FunctionalInterface
    public interface CopyCheck {
        boolean isCopyOf(ListedObject source, ListedObject destination);
    }

    /**
     * Objects of equal size whose ETags differ are in step when the check knows the destination
     * object as the copy of the source's ETag (a multipart or SSE-KMS copy), without a job.
     */
    public DiffJoin knowingCopies(CopyCheck check) {
        this.copies = check;
        return this;
    }

    /** Tells {@code consumer} of each destination object with no source twin (verify names them). */
    public DiffJoin tellingExtras(Consumer<ListedObject> consumer) {
        this.onExtra = consumer;
        return this;
    }

    /**
     * Takes back what this join counted as in step, excluded or extra: its listing turned out of order
     * and another join starts over ({@link OrderedDiff}). Only this join's own counts, so parts of a
     * parallel diff that share the run's counters stay right.
     */
    public void retract() {
        stats.extraAtDestination.add(-extras);
        stats.excluded.add(-excludedObjects);
        stats.excludedBytes.add(-excludedBytes);
        stats.inStep.add(-inStepObjects);
        stats.inStepBytes.add(-inStepBytes);
        extras = excludedObjects = excludedBytes = inStepObjects = inStepBytes = 0;
    }

    /** Also compares version ids of objects equal in size and ETag (the pair's compareVersions). */
    public DiffJoin comparingVersions(VersionCheck check) {
        this.versions = check;
        return this;
    }

    /**
     * Keys an earlier pass of this diff may already have queued as missing ({@link OrderedDiff}): queued
     * again as maybe missing, so the worker looks at the destination before copying.
     */
    public DiffJoin maybeQueuedBefore(java.util.function.Predicate<String> relativeKey) {
        this.maybeQueued = relativeKey;
        return this;
    }

    @Override
    protected Job fetch() {
        while (true) {
            ListedObject s = source.peek();
            ListedObject d = destination.peek();
            if (s == null && d == null) {
                return null;
            }
            int order = s == null ? 1 : d == null ? -1 : KeyOrder.compare(s.relativeKey(), d.relativeKey());
            if (order > 0) {
                stats.extraAtDestination.increment();
                extras++;
                onExtra.accept(d);
                destination.take();
                String sourceKey = pair.source().prefix() + d.relativeKey();
                if (pair.features().deletes() && pair.accepts(sourceKey)) {
                    // The worker deletes it only if the replicator wrote it (marker) and the source is still gone.
                    return new Job(pair.id(), stats.runId(), Job.Operation.DELETE, sourceKey, 0, null, null, null,
                            "DIFF", Job.Reason.EXTRA_AT_DESTINATION, System.currentTimeMillis());
                }
                continue;
            }
            source.take();
            if (order == 0) {
                destination.take();
            }
            if (!pair.accepts(s.key())) {
                stats.excluded.increment();
                stats.excludedBytes.add(s.size());
                excludedObjects++;
                excludedBytes += s.size();
                continue;
            }
            if (order < 0) {
                return job(s, KeyOrder.isOrderSensitive(s.key()) || maybeQueued.test(s.relativeKey())
                        ? Job.Reason.MAYBE_MISSING : Job.Reason.MISSING);
            }
            if (s.size() != d.size()) {
                return job(s, Job.Reason.SIZE_DIFFERS);
            }
            if (ListedObject.sameEtag(s.etag(), d.etag()) || copies.isCopyOf(s, d)) {
                if (s.versionId() != null && !versions.sameVersion(s, d)) {
                    return job(s, Job.Reason.VERSION_DIFFERS);
                }
                stats.inStep.increment();
                stats.inStepBytes.add(s.size());
                inStepObjects++;
                inStepBytes += s.size();
                continue;
            }
            return job(s, Job.Reason.ETAG_DIFFERS);
        }
    }

    private Job job(ListedObject s, Job.Reason reason) {
        stats.foundBytes.add(s.size());
        return new Job(pair.id(), stats.runId(), Job.Operation.COPY, s.key(), s.size(), s.etag(), s.versionId(), null,
                "DIFF", reason, System.currentTimeMillis());
    }

    /** One-element look-ahead over a listing. */
    private static final class PeekingIterator {
        private final Iterator<ListedObject> it;
        private ListedObject head;

        PeekingIterator(Iterator<ListedObject> it) {
            this.it = it;
        }

        ListedObject peek() {
            if (head == null && it.hasNext()) {
                head = it.next();
            }
            return head;
        }

        void take() {
            head = null;
        }
    }
}
