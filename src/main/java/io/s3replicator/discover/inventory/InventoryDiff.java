package io.s3replicator.discover.inventory;

import io.s3replicator.model.LookaheadIterator;
import io.s3replicator.config.PairFeatures;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.discover.BucketListing;
import io.s3replicator.discover.DiffJoin;
import io.s3replicator.discover.KeyOrder;
import io.s3replicator.model.ListedObject;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * The jobs an inventory report asks for: each data file's rows are merge-joined (the diff's own
 * {@link DiffJoin}) with the part of the destination listing that file's keys span, so memory
 * stays one page per side whatever the report's size, and only keys missing or different at the
 * destination become jobs.
 *
 * <p>An inventory is a day old by the time it is read, so every job leaves the source ETag open:
 * the worker looks at the source first (HEAD) and copies what is there then, or nothing when it is
 * gone. A file whose rows are out of key order cannot prove a key missing: after the first row out
 * of order, "missing" keys are looked up at the destination before copying.
 */
public class InventoryDiff extends LookaheadIterator<Job> {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryDiff.class);

    private final ReplicationPair pair;
    private final RunStats stats;
    private final InventoryManifest manifest;
    private final S3Client inventory;
    private final S3Client destination;
    private final int pageSize;
    private int fileIndex;
    private FileDiff current;

    public InventoryDiff(ReplicationPair pair, RunStats stats, InventoryManifest manifest, S3Client inventory,
                         S3Client destination, int pageSize) {
        // Deletes never come from an inventory: each file sees only a slice of the destination.
        this.pair = withoutDeletes(pair);
        this.stats = stats;
        this.manifest = manifest;
        this.inventory = inventory;
        this.destination = destination;
        this.pageSize = pageSize;
        if (!manifest.sourceBucket().equals(pair.source().bucket())) {
            throw new InventoryException(manifest.location() + ": this inventory is of bucket '"
                    + manifest.sourceBucket() + "', not of the source bucket '" + pair.source().bucket() + "'");
        }
        if (manifest.column("ETag") < 0) {
            LOG.warn("{}: the inventory has no ETag column: every key present at the destination with the same size"
                    + " is looked at there before it is copied", manifest.location());
        }
    }

    @Override
    protected Job fetch() {
        while (true) {
            if (current != null && current.hasNext()) {
                return current.next();
            } else if (fileIndex < manifest.files().size()) {
                current = new FileDiff(manifest.files().get(fileIndex++));
            } else {
                return null;
            }
        }
    }

    /** The report's data files as independent parts, for {@link io.s3replicator.discover.ParallelDiff}. */
    public List<Supplier<Iterator<Job>>> perFile() {
        List<Supplier<Iterator<Job>>> parts = new ArrayList<>();
        for (InventoryManifest.DataFile file : manifest.files()) {
            parts.add(() -> new FileDiff(file));
        }
        return parts;
    }

    /** The jobs of one data file: its rows joined with the destination slice they span. */
    private final class FileDiff implements Iterator<Job> {
        private final InventoryRows rows;
        private final DiffJoin join;
        private boolean ended;

        FileDiff(InventoryManifest.DataFile file) {
            rows = new InventoryRows(inventory, manifest, file, pair.source().prefix(), stats.sourceListed::add);
            if (!rows.hasNext()) {
                join = null;
                return;
            }
            ListedObject first = rows.next();
            String after = before(first.relativeKey());
            String startAfter = after == null || (pair.destination().prefix() + after).isEmpty() ? null
                    : pair.destination().prefix() + after;
            BucketListing listing = new BucketListing(destination, pair.destination(), pair.destination().prefix(),
                    startAfter, pageSize, stats.destinationListed::add);
            join = new DiffJoin(pair, stats, prepend(first, rows), new Slice(listing, rows));
        }

        @Override
        public boolean hasNext() {
            boolean more = join != null && join.hasNext();
            if (!more && !ended && join != null && !rows.inOrder()) {
                LOG.warn("{}: a data file's rows are not in key order: its missing keys are looked up at the"
                        + " destination", manifest.location());
            }
            ended = !more;
            return more;
        }

        @Override
        public Job next() {
            return fromInventory(join.next(), rows.inOrder());
        }
    }

    /** The destination side of one file: its listing up to the file's greatest key, once its rows are all read. */
    private static final class Slice implements Iterator<ListedObject> {
        private final Iterator<ListedObject> listing;
        private final InventoryRows rows;
        private ListedObject head;

        Slice(Iterator<ListedObject> listing, InventoryRows rows) {
            this.listing = listing;
            this.rows = rows;
        }

        @Override
        public boolean hasNext() {
            if (head == null && listing.hasNext()) {
                head = listing.next();
            }
            if (head == null) {
                return false;
            }
            // While rows remain the join needs the next destination key; after the last one, only keys up to it.
            return rows.hasNext() || KeyOrder.compare(head.relativeKey(), rows.greatestRelativeKey()) <= 0;
        }

        @Override
        public ListedObject next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ListedObject o = head;
            head = null;
            return o;
        }
    }

    /**
     * The source is looked at again by the worker (no ETag: the planner HEADs it); a key "missing"
     * after rows came out of order is looked up at the destination first.
     */
    private static Job fromInventory(Job job, boolean inOrder) {
        Job.Reason reason = job.reason() == Job.Reason.MISSING && !inOrder ? Job.Reason.MAYBE_MISSING
                : job.reason();
        return new Job(job.pairId(), job.runId(), job.operation(), job.key(), job.size(), null, null, null,
                job.origin(), reason, job.firstSeen());
    }

    /**
     * A key just before {@code relative} or equal to an earlier one, for StartAfter (exclusive):
     * the key without its last character; null when there is none (list from the start).
     */
    static String before(String relative) {
        if (relative.isEmpty()) {
            return null;
        }
        return relative.substring(0, relative.offsetByCodePoints(relative.length(), -1));
    }

    private static Iterator<ListedObject> prepend(ListedObject first, Iterator<ListedObject> rest) {
        return new Iterator<>() {
            private boolean firstTaken;

            @Override
            public boolean hasNext() {
                return !firstTaken || rest.hasNext();
            }

            @Override
            public ListedObject next() {
                if (!firstTaken) {
                    firstTaken = true;
                    return first;
                }
                return rest.next();
            }
        };
    }

    private static ReplicationPair withoutDeletes(ReplicationPair pair) {
        PairFeatures f = pair.features();
        return new ReplicationPair(pair.id(), pair.source(), pair.destination(), pair.filter(), pair.dryRun(),
                new PairFeatures(f.events(), f.eventsDlq(), false, f.twoWay(), f.ignore(), f.compareVersions(),
                        f.refreshVersion(), f.getByVersion(), false));
    }
}
