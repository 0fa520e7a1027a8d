package io.s3replicator.state;

import java.time.Instant;

/**
 * Deletes the replicator itself made in a two-way pair, remembered until the delete event they
 * cause on the other side comes back. A delete carries no metadata, so unlike a copy (which
 * carries the source-etag marker) nothing on the object can say "the replicator did this";
 * without this record the echo of a delete could remove an object a user re-created meanwhile.
 */
public interface OwnDeletes {
    /** Records that the replicator is about to delete {@code key} in {@code location} (bucket + endpoint). */
    void deleting(String location, String key, Instant at);

    /**
     * Forgets and returns true when the replicator deleted {@code location/key} at about
     * {@code eventTime} (within the clock skew allowed): the event is the echo of that delete.
     */
    boolean consume(String location, String key, Instant eventTime);

    /** Forgets a recorded delete that did not happen (the DeleteObject failed). */
    void forget(String location, String key);
}
