package io.s3replicator.transfer;

import io.s3replicator.config.ReplicatorSettings;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * How one object is cut into multipart parts (README, "How it works", Large objects): parts of {@code partSize}
 * bytes, the last one shorter. Immutable: an upload keeps the plan it started with.
 */
public record PartPlan(long objectSize, long partSize, int partCount) {
    public static final long MIN_PART_SIZE = ReplicatorSettings.MIN_PART_SIZE;
    public static final long MAX_PART_SIZE = ReplicatorSettings.MAX_PART_SIZE;
    public static final int MAX_PARTS = 10_000;

    /** One part: 1-based number, first byte offset and length. */
    public record Part(int number, long offset, long length) {
        /** The HTTP range of this part, inclusive. */
        public String range() {
            return "bytes=" + offset + "-" + (offset + length - 1);
        }
    }

    public PartPlan {
        if (partSize < 1 || partCount < 1 || partCount > MAX_PARTS) {
            throw new IllegalArgumentException("invalid plan: " + objectSize + " bytes in " + partCount + " parts of " + partSize);
        }
    }

    /** A plan with exactly this part size (a resumed upload, or the source's own layout). */
    public static PartPlan withPartSize(long objectSize, long partSize) {
        int count = (int) Math.max(1, ceilDiv(objectSize, partSize));
        return new PartPlan(objectSize, partSize, count);
    }

    /**
     * The part size for a new upload: the preferred size, at least 5 MiB, grown to
     * ceil(size / 10,000) so there are never more than 10,000 parts, at most 5 GiB.
     */
    public static PartPlan forNewUpload(long objectSize, long preferredPartSize) {
        long size = Math.max(preferredPartSize, MIN_PART_SIZE);
        size = Math.max(size, ceilDiv(objectSize, MAX_PARTS));
        if (size > MAX_PART_SIZE) {
            throw new TransferException("object of " + objectSize + " bytes needs parts above the 5 GiB S3 maximum");
        }
        return withPartSize(objectSize, size);
    }

    /** Part sizes common tools use (AWS CLI and SDKs 8 MiB, rclone 5 MiB, others), most common first. */
    private static final long[] COMMON_PART_MIB = {8, 16, 5, 10, 32, 64, 15, 25, 50, 100, 128, 256, 512, 1024};

    /**
     * The uniform part size a multipart source with {@code sourceParts} parts most likely used:
     * the most common tool part size giving that many parts, else the smallest whole MiB (at
     * least 5 MiB) that does; -1 when none does. Stores that honour HEAD ?partNumber=1 tell us
     * the exact size instead, so this is only the fallback.
     */
    public static long guessSourcePartSize(long objectSize, int sourceParts) {
        if (sourceParts < 2 || sourceParts > MAX_PARTS) {
            return -1;
        }
        long mib = 1024 * 1024;
        for (long common : COMMON_PART_MIB) {
            if (ceilDiv(objectSize, common * mib) == sourceParts) {
                return common * mib;
            }
        }
        long candidate = Math.max(MIN_PART_SIZE, ceilDiv(ceilDiv(objectSize, sourceParts), mib) * mib);
        return candidate <= MAX_PART_SIZE && ceilDiv(objectSize, candidate) == sourceParts ? candidate : -1;
    }

    public Part part(int number) {
        if (number < 1 || number > partCount) {
            throw new IllegalArgumentException("no part " + number + " in a plan of " + partCount);
        }
        long offset = (number - 1) * partSize;
        return new Part(number, offset, Math.min(partSize, objectSize - offset));
    }

    /** The parts not in {@code done}, lazily: a 10,000-part plan is never a list in memory. */
    public Iterator<Part> remaining(Set<Integer> done) {
        return new Iterator<>() {
            private int next = advance(1);

            private int advance(int from) {
                int n = from;
                while (n <= partCount && done.contains(n)) {
                    n++;
                }
                return n;
            }

            @Override
            public boolean hasNext() {
                return next <= partCount;
            }

            @Override
            public Part next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Part p = part(next);
                next = advance(next + 1);
                return p;
            }
        };
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
