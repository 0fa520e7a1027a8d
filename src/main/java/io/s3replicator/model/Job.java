package io.s3replicator.model;

/**
 * One unit of work travelling from DISCOVER to TRANSFER, as JSON on the queue.
 *
 * @param pairId    the replication pair (route id) the job belongs to
 * @param runId     the diff run that produced it, or null for event jobs
 * @param operation COPY or DELETE
 * @param key       the source key (full key, prefix included)
 * @param size      source size in bytes seen at discovery
 * @param etag      source ETag seen at discovery, without quotes
 * @param versionId source version id, or null
 * @param sequencer S3 event sequencer, or null
 * @param origin    DIFF or EVENT
 * @param reason    why discovery thinks the object must move (see {@link Reason})
 * @param firstSeen epoch millis when discovery first saw the difference; for events, the event's time
 */
public record Job(String pairId, String runId, Operation operation, String key, long size, String etag,
                  String versionId, String sequencer, String origin, Reason reason, long firstSeen) {

    public enum Operation { COPY, DELETE }

    public enum Reason {
        /** Not at the destination: copy without asking the destination again. */
        MISSING,
        /**
         * Not matched at the destination, but the key holds characters whose order some stores
         * disagree on (see {@code KeyOrder}): ask the destination before copying.
         */
        MAYBE_MISSING,
        /** Different size at the destination. */
        SIZE_DIFFERS,
        /** Same size, different ETag: the destination's source-etag marker decides. */
        ETAG_DIFFERS,
        /** Same size and ETag, but not the source version the destination copy was made from (compareVersions). */
        VERSION_DIFFERS,
        /** An S3 event: ask the destination first (it may hold this version, or a newer one). */
        EVENT,
        /** DELETE from the diff: a copy the replicator made whose source is gone (pairs with deletes on). */
        EXTRA_AT_DESTINATION
    }

    /**
     * The same job reading another source version (refreshed before the copy, or unpinned from a
     * version). For another ETag the event's time no longer says when that version was written.
     */
    public Job withReason(Reason newReason) {
        return new Job(pairId, runId, operation, key, size, etag, versionId, sequencer, origin, newReason, firstSeen);
    }

    /**
     * The job taken out of its run (a redrive after the run ended), like an event's job; a copy looks
     * at the destination first, as much may have changed since it failed.
     */
    public Job outsideAnyRun() {
        return new Job(pairId, null, operation, key, size, etag, versionId, sequencer, origin,
                reason == Reason.MISSING ? Reason.MAYBE_MISSING : reason, firstSeen);
    }

    public Job withSource(String newEtag, long newSize, String newVersionId) {
        boolean same = newEtag != null && newEtag.equalsIgnoreCase(etag);
        return new Job(pairId, runId, operation, key, newSize, newEtag, newVersionId, sequencer, origin, reason,
                same || !"EVENT".equals(origin) ? firstSeen : 0);
    }
}
