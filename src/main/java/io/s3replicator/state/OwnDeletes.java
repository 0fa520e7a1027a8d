package io.s3replicator.state;

import java.time.Duration;
import java.time.Instant;

/**
 * Deletes the replicator itself made in a two-way pair, remembered until the delete event they
 * cause on the other side comes back. A delete carries no metadata, so unlike a copy (which
 * carries the source-etag marker) nothing on the object can say "the replicator did this";
 * without this record the echo of a delete could remove an object a user re-created meanwhile.
 */
public interface OwnDeletes {
    /** How long a record can be claimed: an echo comes within seconds; an old record must not take a user's delete. */
    Duration TTL = Duration.ofHours(1);
    /** How far the clocks of S3 and this process may disagree. */
    Duration SKEW = Duration.ofSeconds(30);

    /** Records that the replicator is about to delete {@code key} in {@code location} (bucket + endpoint). */
    void deleting(String location, String key, Instant at);

    /**
     * Forgets and returns true when the replicator deleted {@code location/key} at about
     * {@code eventTime} (within the clock skew allowed): the event is the echo of that delete.
     */
    boolean consume(String location, String key, Instant eventTime);

    /** Forgets a recorded delete that did not happen (the DeleteObject failed). */
    void forget(String location, String key);

    /**
     * When a recorded delete must have happened for an event at {@code eventTime} (now if null) to
     * be its echo: within the clock skew of the event either way, and not older than {@code ttl}.
     */
    record EchoWindow(Instant earliest, Instant latest) {
        public static EchoWindow of(Instant eventTime, Instant now, Duration ttl) {
            Instant at = eventTime == null ? now : eventTime;
            Instant earliest = at.minus(SKEW).isAfter(now.minus(ttl)) ? at.minus(SKEW) : now.minus(ttl);
            return new EchoWindow(earliest, at.plus(SKEW));
        }
    }
}
