package io.s3replicator.state;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The parts of multipart uploads fanned out across workers (README, "Many workers", Large objects across
 * workers): one record per upload (its part count, how many parts are in, whether every part job is on
 * the queue, who is completing it, and how it ended) and the ETag of each part a worker sent.
 *
 * <p>Every write that decides something is conditional, so of many workers exactly one completes an
 * upload: {@link #claimCompletion} succeeds only once every part is recorded, no end is recorded, and no
 * other worker holds a live claim. A claim expires unless its holder renews it (by claiming again), so a
 * completer that dies leaves the completion to the next worker that tries.
 */
public interface FannedOutParts {
    /**
     * One upload's record.
     *
     * @param recorded     parts whose ETag is in (each counted once, however often recorded)
     * @param sent         every part job of the upload is on the queue
     * @param result       how the upload ended (written once, by {@link #finishCompletion} or {@link #fail}), or null
     * @param claimExpires when the live completion claim lapses unless renewed, or null when none is live
     */
    record Progress(int partCount, int recorded, boolean sent, String result, Instant claimExpires) {
        public boolean allRecorded() {
            return recorded >= partCount;
        }
    }

    /** Registers an upload of {@code partCount} parts unless it is already (a resumed job): its record either way. */
    Progress open(String uploadId, int partCount);

    /** Every part job of the upload is on the queue. */
    void sent(String uploadId);

    /**
     * Records the ETag of one part. A part recorded again (sent twice) keeps the later ETag and counts
     * once. Returns the record after it, or null when the upload is not open (forgotten).
     */
    Progress record(String uploadId, int part, String etag);

    Optional<Progress> progress(String uploadId);

    /** The recorded ETags by part number. */
    SortedMap<Integer, String> etags(String uploadId);

    /**
     * Claims the completion for {@code owner} until {@code ttl} from now: true when every part is
     * recorded, no end is recorded, and no other owner holds a live claim. The holder renews its claim
     * by claiming again.
     */
    boolean claimCompletion(String uploadId, String owner, Duration ttl);

    /** Gives the claim up (a completion that failed and may be tried again); only {@code owner}'s. */
    void releaseCompletion(String uploadId, String owner);

    /** The claim holder records how the upload ended: false when {@code owner} no longer holds the claim. */
    boolean finishCompletion(String uploadId, String owner, String result);

    /**
     * A part failed for good, or found its source changed: records that end unless one is recorded
     * already or every part is in (then the upload can still complete). False when not recorded.
     */
    boolean fail(String uploadId, String result);

    /**
     * A new attempt of the object's job takes over an upload that ended in {@code result} (only that end):
     * clears it, and marks its part jobs as to be sent again; the recorded parts stay.
     */
    void reopen(String uploadId, String result);

    /** The upload is gone (completed or aborted) and its end consumed: forget it and its parts. */
    void forget(String uploadId);
}
