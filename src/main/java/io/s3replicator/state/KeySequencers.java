package io.s3replicator.state;

import java.util.Locale;

/**
 * The sequencer of the last S3 event applied to each source key of a pair, so an event that
 * arrives after a newer one for the same key is dropped (S3 delivers events out of order).
 *
 * <p>S3 sequencers are hexadecimal strings of varying length; the S3 documentation ("Event
 * message structure") says to compare two of them, for one key, by padding the shorter on the
 * right with zeros and comparing lexicographically. {@link #normalize} does the padding to a
 * fixed width so that stores can compare them as plain strings.
 */
public interface KeySequencers {
    /** Width sequencers are padded to; S3's are 16 to 18 hex digits. */
    int WIDTH = 64;

    /**
     * Atomically stores {@code sequencer} for the key unless the stored one is newer.
     *
     * @return false when an event with a greater sequencer was already applied to this key
     *         (the caller drops its event as stale); true otherwise, including for the same
     *         sequencer again, so a job retried after a failure is not mistaken for a stale one
     */
    boolean advance(String pairId, String key, String sequencer);

    /** Upper-case, right-padded with '0' to {@link #WIDTH}; null when it is not a hex string that fits. */
    static String normalize(String sequencer) {
        if (sequencer == null) {
            return null;
        }
        String s = sequencer.strip().toUpperCase(Locale.ROOT);
        if (s.isEmpty() || s.length() > WIDTH || !s.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
            return null;
        }
        return s + "0".repeat(WIDTH - s.length());
    }

    /** Compares two sequencers of one key as the S3 documentation says; both must be valid. */
    static int compare(String a, String b) {
        String na = normalize(a);
        String nb = normalize(b);
        if (na == null || nb == null) {
            throw new IllegalArgumentException("not a sequencer: " + (na == null ? a : b));
        }
        return na.compareTo(nb);
    }
}
