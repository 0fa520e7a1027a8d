package io.s3replicator.model;

import com.fasterxml.jackson.annotation.JsonInclude;

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
 * @param part      set on the job of one part of a large object fanned out across workers, else null
 *                  (absent from the JSON)
 */
public record Job(String pairId, String runId, Operation operation, String key, long size, String etag,
                  String versionId, String sequencer, String origin, Reason reason, long firstSeen,
                  @JsonInclude(JsonInclude.Include.NON_NULL) Part part) {

    /** A job for a whole object. */
    public Job(String pairId, String runId, Operation operation, String key, long size, String etag,
               String versionId, String sequencer, String origin, Reason reason, long firstSeen) {
        this(pairId, runId, operation, key, size, etag, versionId, sequencer, origin, reason, firstSeen, null);
    }

    /**
     * One part of a multipart upload whose parts any worker may move (README, "Many workers"): what it
     * takes to send the part and, for whichever worker records the last part, to complete the upload as
     * the worker that planned it would have.
     *
     * @param uploadId        the destination's multipart upload
     * @param sourceEtag      the source version every part is pinned to (If-Match)
     * @param objectSize      the object's size at the plan
     * @param partSize        the plan's part size (the last part is shorter)
     * @param number          this part's number, 1-based
     * @param count           parts in the plan
     * @param layout          where the part size came from (the source's own parts or ours), for the
     *                        check of the completed object's ETag against the source's
     * @param sourceKms       the source is SSE-KMS encrypted: its ETag is not made of MD5s
     * @param destinationEtag what the destination held at the plan (completion is conditional on it),
     *                        null when the key was absent
     * @param handedBack      times a worker that had no free part slot put this job back for another worker
     */
    public record Part(String uploadId, String sourceEtag, long objectSize, long partSize, int number, int count,
                       String layout, boolean sourceKms, String destinationEtag, int handedBack) {
        public Part handedBackOnce() {
            return new Part(uploadId, sourceEtag, objectSize, partSize, number, count, layout, sourceKms,
                    destinationEtag, handedBack + 1);
        }
    }

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
        return new Job(pairId, runId, operation, key, size, etag, versionId, sequencer, origin, newReason, firstSeen, part);
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
                same || !"EVENT".equals(origin) ? firstSeen : 0, part);
    }

    /** The job of part {@code p} of this object. */
    public Job withPart(Part p) {
        return new Job(pairId, runId, operation, key, size, etag, versionId, sequencer, origin, reason, firstSeen, p);
    }
}
