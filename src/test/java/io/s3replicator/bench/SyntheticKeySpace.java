package io.s3replicator.bench;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.ObjLongConsumer;

/**
 * A generated pair of buckets of any size, no key held in memory: a tree of folders
 * {@code levels} deep, {@code fanout} folders in each, {@code direct} objects directly in every
 * folder above the last level (and at the root) and {@code leaves} objects in each folder of the
 * last level. Each position of the tree has a fixed key; a hash of its index decides whether both
 * sides hold it and whether they differ, so both listings, and the jobs a diff must find, follow
 * from the index alone.
 *
 * <p>Keys are numbered in their UTF-8 binary order: in a folder, {@code file-N.dat} objects come
 * before {@code part-N/} folders, numbers are zero-padded. So "the first key at or after K" is a
 * binary search over indexes, which is what lets {@link SyntheticS3} answer any ListObjectsV2 page
 * (prefix, delimiter, start-after, continuation) in O(page + log N).
 */
final class SyntheticKeySpace {
    /** What a position holds on each side, and the job the diff must find for it (null: none). */
    enum Variant {
        IN_STEP(true, true, null),
        MISSING(true, false, "MISSING"),
        SIZE_DIFFERS(true, true, "SIZE_DIFFERS"),
        ETAG_DIFFERS(true, true, "ETAG_DIFFERS"),
        EXTRA_AT_DESTINATION(false, true, "EXTRA_AT_DESTINATION");

        final boolean atSource;
        final boolean atDestination;
        /** The reason of the diff's job ({@code Job.Reason} name), null when in step. */
        final String job;

        Variant(boolean atSource, boolean atDestination, String job) {
            this.atSource = atSource;
            this.atDestination = atDestination;
            this.job = job;
        }
    }

    /** One listed object of one side. */
    record Entry(String key, long size, String etag) {
    }

    private final int fanout;
    private final int levels;
    private final int direct;
    private final long leaves;
    private final double differing;
    private final long seed;
    /** Keys under a folder at each depth; {@code [levels]} is a last-level folder's. */
    private final long[] subtree;
    private final int fanoutWidth;
    private final int directWidth;
    private final int leafWidth;

    /**
     * @param keys      about this many positions (rounded to fill the last-level folders evenly)
     * @param differing fraction of positions with a job: 40% missing at the destination, 20% of
     *                  another size, 20% of another ETag, 20% only at the destination
     */
    SyntheticKeySpace(long keys, int fanout, int levels, int direct, double differing, long seed) {
        if (fanout < 1 || levels < 0 || direct < 0 || keys < 1 || differing < 0 || differing > 1) {
            throw new IllegalArgumentException("keys " + keys + ", fanout " + fanout + ", levels " + levels
                    + ", direct " + direct + ", differing " + differing);
        }
        this.fanout = fanout;
        this.levels = levels;
        this.direct = direct;
        this.differing = differing;
        this.seed = seed;
        long directKeys = 0;
        long folders = 1;
        for (int d = 0; d < levels; d++) {
            directKeys += folders * direct;
            folders *= fanout;
        }
        this.leaves = Math.max(1, (keys - directKeys + folders - 1) / folders);
        this.subtree = new long[levels + 1];
        subtree[levels] = leaves;
        for (int d = levels - 1; d >= 0; d--) {
            subtree[d] = direct + fanout * subtree[d + 1];
        }
        this.fanoutWidth = digits(fanout - 1);
        this.directWidth = digits(Math.max(0, direct - 1));
        this.leafWidth = Math.max(6, digits(leaves - 1));
    }

    /** Positions (keys on either side). */
    long positions() {
        return subtree[0];
    }

    String describe() {
        return String.format("%,d positions: %d levels of %d folders, %d objects directly in each folder above the"
                + " last level, %d in each last-level folder; %.1f%% with a job", positions(), levels, fanout, direct,
                leaves, differing * 100);
    }

    /** The key of position {@code index}, strictly increasing with it in UTF-8 binary order. */
    String key(long index) {
        StringBuilder key = new StringBuilder(48);
        long i = index;
        for (int d = 0; d < levels; d++) {
            if (i < direct) {
                return pad(key.append("file-"), i, directWidth).append(".dat").toString();
            }
            i -= direct;
            long folder = i / subtree[d + 1];
            i %= subtree[d + 1];
            pad(key.append("part-"), folder, fanoutWidth).append('/');
        }
        return pad(key.append("obj-"), i, leafWidth).append(".dat").toString();
    }

    Variant variant(long index) {
        double u = (mix(index ^ seed) >>> 11) * 0x1.0p-53;
        if (u >= differing) {
            return Variant.IN_STEP;
        }
        double share = u / differing;
        return share < 0.4 ? Variant.MISSING : share < 0.6 ? Variant.SIZE_DIFFERS
                : share < 0.8 ? Variant.ETAG_DIFFERS : Variant.EXTRA_AT_DESTINATION;
    }

    /** What one side lists at a position, or null when that side does not hold it. */
    Entry entry(long index, boolean source) {
        Variant v = variant(index);
        if (source ? !v.atSource : !v.atDestination) {
            return null;
        }
        long h = mix(index * 31 + seed);
        long size = 1 + Math.floorMod(h, 4L << 20);
        long tag = mix(h);
        if (!source && v == Variant.SIZE_DIFFERS) {
            size++;
        }
        if (!source && v == Variant.ETAG_DIFFERS) {
            tag = ~tag;
        }
        return new Entry(key(index), size, hex16(h) + hex16(tag));
    }

    /** The first index whose key is at or after {@code key} ({@code strictly}: after it). */
    long firstFrom(String key, boolean strictly) {
        long lo = 0;
        long hi = positions();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            int c = key(mid).compareTo(key);
            if (c < 0 || (strictly && c == 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The first index whose key is after every key starting with {@code prefix}. */
    long firstAfterPrefix(String prefix) {
        long lo = 0;
        long hi = positions();
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            String k = key(mid);
            if (k.compareTo(prefix) < 0 || k.startsWith(prefix)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The jobs a correct diff finds, by reason ({@code Job.Reason} names), counting every position once. */
    Map<Variant, Long> expectedJobs() {
        Map<Variant, Long> out = new EnumMap<>(Variant.class);
        for (long i = 0; i < positions(); i++) {
            Variant v = variant(i);
            if (v.job != null) {
                out.merge(v, 1L, Long::sum);
            }
        }
        return out;
    }

    /** Every position with a job, in key order (small key spaces: the tests compare job for job). */
    void forEachJob(ObjLongConsumer<Variant> action) {
        for (long i = 0; i < positions(); i++) {
            Variant v = variant(i);
            if (v.job != null) {
                action.accept(v, i);
            }
        }
    }

    /** Objects one side holds. */
    long count(boolean source) {
        long n = 0;
        for (long i = 0; i < positions(); i++) {
            Variant v = variant(i);
            if (source ? v.atSource : v.atDestination) {
                n++;
            }
        }
        return n;
    }

    private static String hex16(long v) {
        String hex = Long.toHexString(v);
        return "0".repeat(16 - hex.length()) + hex;
    }

    private static StringBuilder pad(StringBuilder to, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            to.append('0');
        }
        return to.append(digits);
    }

    private static int digits(long max) {
        return Long.toString(Math.max(0, max)).length();
    }

    /** SplitMix64's finaliser: a well-spread hash of a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
