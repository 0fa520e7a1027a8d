package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.ListedObject;
import io.s3replicator.state.Sha256;
import io.s3replicator.store.S3Location;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * The user metadata the replicator writes on every copy, and when to believe it.
 *
 * <p>Markers are plain user metadata, so any copy of a replica inherits them ({@code aws s3 cp}
 * and rclone keep metadata; so does a chain Z -> A -> B made by other tools). A marker is
 * therefore trusted only where it was written: {@link #LOCATION} holds the tag of the pair that
 * wrote it (its source and destination bucket and prefix) and a digest of that tag with the
 * bucket and key the copy was written to. An object whose location digest does not match its
 * own bucket and key carries a foreign marker: it is an ordinary user object, copied like any
 * other and never deleted as an orphan nor skipped as an echo.
 */
public final class ReplicaMarkers {
    /** The source ETag a copy was made from. */
    public static final String SOURCE_ETAG = "source-etag";
    /** The source version id a copy was made from, when the source is versioned. */
    public static final String SOURCE_VERSION = "source-version-id";
    /** When the original object was written (ISO-8601); a copy of a copy keeps the original's. */
    public static final String SOURCE_MTIME = "source-mtime";
    /** {@code <pair tag>.<digest of pair tag, bucket, key>}: where and by which pair the markers were written. */
    public static final String LOCATION = "replica-location";

    private static final int TAG_HEX = 16;
    private static final int DIGEST_HEX = 32;

    /**
     * The markers of an object that the replicator wrote at exactly this bucket and key.
     *
     * @param pairTag  the tag of the pair that wrote it ({@link #pairTag})
     * @param sourceEtag the source ETag it was copied from
     * @param sourceVersion the source version id, or null
     * @param originalTime when its original was written, or null when the marker is absent or unreadable
     */
    public record Trusted(String pairTag, String sourceEtag, String sourceVersion, Instant originalTime) {
        /** Whether the original's time has more than whole seconds (an event's time, to the millisecond). */
        public boolean preciseTime() {
            return originalTime != null && originalTime.getNano() != 0;
        }
    }

    private ReplicaMarkers() {
    }

    /** The tag of the pair copying {@code from} -> {@code to}: the same for every process and every run. */
    public static String pairTag(S3Location from, S3Location to) {
        return Sha256.hex(from.bucket(), from.prefix(), to.bucket(), to.prefix()).substring(0, TAG_HEX);
    }

    public static String pairTag(ReplicationPair pair) {
        return pairTag(pair.source(), pair.destination());
    }

    /** The tag of the other half of a two-way pair (destination -> source). */
    public static String reverseTag(ReplicationPair pair) {
        return pairTag(pair.destination(), pair.source());
    }

    /** The {@link #LOCATION} value a copy written by {@code pairTag} at {@code bucket}/{@code key} carries. */
    public static String location(String pairTag, String bucket, String key) {
        return pairTag + "." + Sha256.hex(pairTag, bucket, key).substring(0, DIGEST_HEX);
    }

    /** The markers of the object at {@code bucket}/{@code key}, or null when it has none written there. */
    public static Trusted read(Map<String, String> metadata, String bucket, String key) {
        String location = metadata.get(LOCATION);
        String etag = metadata.get(SOURCE_ETAG);
        if (location == null || etag == null) {
            return null;
        }
        int dot = location.indexOf('.');
        if (dot != TAG_HEX || !location.equals(location(location.substring(0, dot), bucket, key))) {
            return null;
        }
        return new Trusted(location.substring(0, dot), etag, ListedObject.versionOrNull(metadata.get(SOURCE_VERSION)),
                parseTime(metadata.get(SOURCE_MTIME)));
    }

    /** The source ETag the object at {@code bucket}/{@code key} was copied from, or null when it is not a copy made there. */
    public static String sourceEtag(Map<String, String> metadata, String bucket, String key) {
        Trusted trusted = read(metadata, bucket, key);
        return trusted == null ? null : trusted.sourceEtag();
    }

    /**
     * The metadata of a copy: the source's user metadata without any marker it carries, plus this
     * pair's markers for the destination location.
     *
     * @param sourceMetadata the source object's user metadata
     * @param sourceKey      where the source object lives (its markers count only if written there)
     * @param written        when the original was written, used when the source is not itself a copy
     */
    public static Map<String, String> forCopy(ReplicationPair pair, Map<String, String> sourceMetadata, String sourceKey,
                                              String destinationKey, String sourceEtag, String sourceVersion,
                                              Instant written) {
        Trusted sourceMarkers = read(sourceMetadata, pair.source().bucket(), sourceKey);
        Map<String, String> out = new HashMap<>(sourceMetadata);
        out.remove(SOURCE_ETAG);
        out.remove(SOURCE_VERSION);
        out.remove(SOURCE_MTIME);
        out.remove(LOCATION);
        out.put(SOURCE_ETAG, sourceEtag);
        String version = ListedObject.versionOrNull(sourceVersion);
        if (version != null) {
            out.put(SOURCE_VERSION, version);
        }
        // A source that is itself a copy passes its own original's time on (two-way ranks originals).
        Instant original = sourceMarkers != null && sourceMarkers.originalTime() != null
                ? sourceMarkers.originalTime() : written;
        if (original != null) {
            out.put(SOURCE_MTIME, original.toString());
        }
        String tag = pairTag(pair);
        out.put(LOCATION, location(tag, pair.destination().bucket(), destinationKey));
        return out;
    }

    private static Instant parseTime(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
