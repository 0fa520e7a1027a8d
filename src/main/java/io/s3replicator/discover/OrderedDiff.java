package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * The diff's jobs whatever order the stores list in. A side whose store lists in UTF-8 binary key order
 * ({@code sortedListing}) is joined as it streams, its order checked key by key; a side declared unsorted
 * is sorted on local disk first ({@link SortedListing}). When a streamed listing turns out of order, the
 * join so far cannot be trusted (a key listed late would have been judged missing), so both sides are
 * listed again, sorted on disk, and joined from the start. Keys the first pass may already have queued
 * as missing are queued as "maybe missing" the second time, so the worker looks before copying; the
 * first pass's jobs are all safe to run (a worker looks before deleting or overwriting what it did
 * not see missing). The first pass's counts are taken back, only its own: parts of a parallel diff
 * ({@link ParallelDiff}) are each an OrderedDiff over the run's shared counters.
 */
public final class OrderedDiff implements Iterator<Job>, java.io.Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(OrderedDiff.class);

    /** Lists one side from its start, as many times as asked. */
    @FunctionalInterface
    public interface Lister {
        Iterator<ListedObject> list();
    }

    /**
     * Where and in what runs listings are sorted.
     *
     * @param runEntries objects per in-memory run
     * @param tempRoot   directory the runs are spilled under
     */
    public record Sorting(int runEntries, Path tempRoot) {
        public static Sorting defaults() {
            return new Sorting(50_000, Path.of(System.getProperty("java.io.tmpdir")));
        }
    }

    private final ReplicationPair pair;
    private final RunStats stats;
    private final Lister source;
    private final Lister destination;
    private final Sorting sorting;
    private final UnaryOperator<DiffJoin> configure;
    private final long[] firstPassListed = new long[2];
    private Runnable onRestart = () -> { };
    private Iterator<ListedObject> sourceListing;
    private Iterator<ListedObject> destinationListing;
    private String highestSourceKey;
    private DiffJoin join;
    private boolean resorted;

    /** @param configure applied to each join (version checks) */
    public OrderedDiff(ReplicationPair pair, RunStats stats, Lister source, Lister destination, Sorting sorting,
                       UnaryOperator<DiffJoin> configure) {
        this.pair = pair;
        this.stats = stats;
        this.source = source;
        this.destination = destination;
        this.sorting = sorting;
        this.configure = configure;
        boolean sourceSorted = pair.source().endpoint().effectiveCapabilities().sortedListing();
        boolean destinationSorted = pair.destination().endpoint().effectiveCapabilities().sortedListing();
        Iterator<ListedObject> sourceFirst = counted(source.list(), 0);
        Iterator<ListedObject> destinationFirst = counted(destination.list(), 1);
        sourceListing = sourceSorted ? checked(sourceFirst, pair.source().uri()) : sorted(sourceFirst);
        destinationListing = destinationSorted ? checked(destinationFirst, pair.destination().uri())
                : sorted(destinationFirst);
        join = configure.apply(new DiffJoin(pair, stats, tracked(sourceListing), destinationListing));
    }

    /**
     * Told when the join starts again from the first key. A caller that tallies jobs (verify) drops what
     * it tallied; the diff keeps what it queued.
     */
    public OrderedDiff onRestart(Runnable action) {
        this.onRestart = action;
        return this;
    }

    @Override
    public boolean hasNext() {
        try {
            return join.hasNext();
        } catch (ListingOutOfOrderException e) {
            resort(e);
            return join.hasNext();
        }
    }

    @Override
    public Job next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return join.next();
    }

    /** Deletes any sort files left (a diff that failed or stopped early). */
    @Override
    public void close() {
        closeQuietly(sourceListing);
        closeQuietly(destinationListing);
    }

    private void resort(ListingOutOfOrderException e) {
        if (resorted) {
            throw e; // both sides are sorted here: cannot happen
        }
        resorted = true;
        LOG.warn("pair {}: {}: sorting both listings on local disk and joining again (declare sortedListing=false"
                + " on that side to sort from the start)", pair.id(), e.getMessage());
        close();
        // The first pass's counts are replaced by the second's; the jobs it queued stay queued.
        join.retract();
        stats.sourceListed.add(-firstPassListed[0]);
        stats.destinationListed.add(-firstPassListed[1]);
        onRestart.run();
        String queuedUpTo = highestSourceKey;
        sourceListing = sorted(source.list());
        destinationListing = sorted(destination.list());
        join = configure.apply(new DiffJoin(pair, stats, sourceListing, destinationListing))
                .maybeQueuedBefore(k -> queuedUpTo != null && KeyOrder.compare(k, queuedUpTo) <= 0);
    }

    private Iterator<ListedObject> sorted(Iterator<ListedObject> listing) {
        return new SortedListing(listing, sorting.runEntries(), sorting.tempRoot());
    }

    /** Counts what the first pass lists on one side (0 source, 1 destination), to take it back on a restart. */
    private Iterator<ListedObject> counted(Iterator<ListedObject> listing, int side) {
        return observed(listing, o -> firstPassListed[side]++);
    }

    /** The first pass remembers the highest source key it joined: keys up to it may have been queued. */
    private Iterator<ListedObject> tracked(Iterator<ListedObject> listing) {
        return observed(listing, o -> {
            if (highestSourceKey == null || KeyOrder.compare(o.relativeKey(), highestSourceKey) > 0) {
                highestSourceKey = o.relativeKey();
            }
        });
    }

    /** The listing as it is, {@code seen} told of each object as it passes. */
    private static Iterator<ListedObject> observed(Iterator<ListedObject> listing,
                                                   java.util.function.Consumer<ListedObject> seen) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return listing.hasNext();
            }

            @Override
            public ListedObject next() {
                ListedObject o = listing.next();
                seen.accept(o);
                return o;
            }
        };
    }

    /**
     * A streamed listing whose order is checked key by key. S3Mock and some stores order keys by UTF-16
     * units, which differs from UTF-8 order only for characters above U+FFFF; the join handles those keys
     * ({@link KeyOrder}), so only a key below its predecessor in both orders is out of order.
     */
    private static Iterator<ListedObject> checked(Iterator<ListedObject> listing, String where) {
        return new Iterator<>() {
            private String previous;

            @Override
            public boolean hasNext() {
                return listing.hasNext();
            }

            @Override
            public ListedObject next() {
                ListedObject o = listing.next();
                String key = o.relativeKey();
                if (previous != null && KeyOrder.compare(previous, key) > 0 && previous.compareTo(key) > 0) {
                    throw new ListingOutOfOrderException(where, previous, key);
                }
                previous = key;
                return o;
            }
        };
    }

    private static void closeQuietly(Iterator<ListedObject> listing) {
        if (listing instanceof SortedListing s) {
            s.close();
        }
    }
}
