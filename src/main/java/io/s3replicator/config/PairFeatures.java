package io.s3replicator.config;

import io.s3replicator.store.S3Location;

/**
 * What a pair does beyond copying on its diff schedule: S3 events, deletes, two-way sync, the
 * ignore list and the three versioning switches of 3GSync. All off by default.
 *
 * @param events          SQS queue (name or URL) the source bucket's S3 notifications arrive on; null for none
 * @param eventsDlq       SQS queue (name or URL) unparsable event messages are moved to, with the
 *                        reason as a message attribute; null: they stay on the events queue (its
 *                        own redrive policy moves them after its maxReceiveCount)
 * @param deletes         apply ObjectRemoved events at the destination
 * @param twoWay          this pair is one half of a two-way pair: never copy an older object over a
 *                        newer one (latest last-modified wins, ties by ETag), never copy back what
 *                        the replicator wrote
 * @param ignore          {@code bucket/key} patterns never copied (3GSync ignore list)
 * @param compareVersions the diff also compares the source's version id with the one the
 *                        destination copy was made from ({@code source-version-id} metadata)
 * @param refreshVersion  before copying, look up the source's current version and copy that one
 * @param getByVersion    read the source by the version id a job names (default true): the copy is
 *                        exactly the version the event announced
 * @param deleteUnowned   with deletes, the diff also deletes destination objects this pair did not
 *                        write ({@code sync --delete-unowned}, like {@code rclone sync}); off: only
 *                        the pair's own copies are deleted as orphans
 * @param inventory       where the source bucket's S3 Inventory reports are delivered (a location
 *                        whose new {@code manifest.json} files become diffs), or null for none
 */
public record PairFeatures(String events, String eventsDlq, boolean deletes, boolean twoWay, IgnoreList ignore,
                           boolean compareVersions, boolean refreshVersion, boolean getByVersion,
                           boolean deleteUnowned, S3Location inventory) {

    public static final PairFeatures NONE = new PairFeatures(null, null, false, false, IgnoreList.NONE, false,
            false, true);

    public PairFeatures(String events, String eventsDlq, boolean deletes, boolean twoWay, IgnoreList ignore,
                        boolean compareVersions, boolean refreshVersion, boolean getByVersion,
                        boolean deleteUnowned) {
        this(events, eventsDlq, deletes, twoWay, ignore, compareVersions, refreshVersion, getByVersion,
                deleteUnowned, null);
    }

    /** A pair that deletes, if at all, only what it wrote. */
    public PairFeatures(String events, String eventsDlq, boolean deletes, boolean twoWay, IgnoreList ignore,
                        boolean compareVersions, boolean refreshVersion, boolean getByVersion) {
        this(events, eventsDlq, deletes, twoWay, ignore, compareVersions, refreshVersion, getByVersion, false);
    }

    /** What {@code sync} does beyond copying: diff deletes ({@code --delete}), of every extra object with {@code unowned}. */
    public static PairFeatures syncDeletes(boolean deletes, boolean unowned) {
        return new PairFeatures(null, null, deletes, false, IgnoreList.NONE, false, false, true, deletes && unowned);
    }

    public boolean hasInventory() {
        return inventory != null;
    }

    public boolean hasEvents() {
        return events != null && !events.isBlank();
    }
}
