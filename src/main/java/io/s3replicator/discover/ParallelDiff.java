package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.Closeable;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The diff of a pair listed N ways at once: the key space is split by folders
 * ({@link KeySpacePartitions}), each part's source and destination listings are merge-joined
 * ({@link DiffJoin}) on one of N threads, and jobs come out as they are found. Each part is an
 * {@link OrderedDiff}: a part whose listing turns out of order is sorted on local disk and joined again,
 * never a listed key taken for missing. Memory is one page per side per running part (or one sort run)
 * plus a bounded hand-over queue: a part waits when the queue is full.
 * Jobs of different parts come in no set order; the jobs are the sequential diff's.
 */
public final class ParallelDiff implements Iterator<Job>, Closeable {
    private static final Object END = new Object();
    private static final int HAND_OVER = 1000;

    private final BlockingQueue<Object> found = new ArrayBlockingQueue<>(HAND_OVER);
    private final ExecutorService threads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Object next;
    private boolean ended;

    public ParallelDiff(ReplicationPair pair, RunStats stats, S3Client source, S3Client destination, int pageSize,
                        int threadCount, int depth, DiffJoin.VersionCheck versions, DiffJoin.CopyCheck copies,
                        OrderedDiff.Sorting sorting) {
        this(pair.id(), listingParts(pair, stats, source, destination, pageSize, depth, versions, copies, sorting),
                threadCount);
    }

    /**
     * Any parts of one diff, joined on up to {@code threadCount} threads (an inventory report's data
     * files, each with its slice of the destination, are such parts too).
     *
     * @param parts each opens its part's jobs when called, on the thread that then reads them
     */
    public ParallelDiff(String name, List<Supplier<Iterator<Job>>> parts, int threadCount) {
        AtomicInteger nextPart = new AtomicInteger();
        int workers = Math.min(threadCount, parts.size());
        AtomicInteger running = new AtomicInteger(workers);
        this.threads = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "diff-list-" + name);
            t.setDaemon(true);
            return t;
        });
        if (workers == 0) {
            put(END);
        }
        // As many as counted: a bound read from the live count stops early when the first threads have
        // already finished every part, and the count then never reaches 0 (no END: the diff never ends).
        for (int i = 0; i < workers; i++) {
            threads.execute(() -> {
                try {
                    for (int p = nextPart.getAndIncrement(); p < parts.size() && !closed.get();
                         p = nextPart.getAndIncrement()) {
                        Iterator<Job> jobs = parts.get(p).get();
                        try {
                            while (jobs.hasNext() && !closed.get()) {
                                put(jobs.next());
                            }
                        } finally {
                            if (jobs instanceof Closeable c) {
                                closeQuietly(c); // a part's sort files, when it stopped early
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    put(e);
                } catch (Error e) {
                    // Out of memory, typically: the diff fails with it, never ends short of these parts.
                    put(new IllegalStateException("a listing thread failed: " + e, e));
                } finally {
                    if (running.decrementAndGet() == 0) {
                        put(END);
                    }
                }
            });
        }
        threads.shutdown();
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (java.io.IOException | RuntimeException e) {
            // Only sort files to delete: SortedListing logs what it could not.
        }
    }

    /** The parts of the key space ({@link KeySpacePartitions}), each an ordered merge-join of its two listings. */
    private static List<Supplier<Iterator<Job>>> listingParts(ReplicationPair pair, RunStats stats, S3Client source,
                                                              S3Client destination, int pageSize, int depth,
                                                              DiffJoin.VersionCheck versions,
                                                              DiffJoin.CopyCheck copies,
                                                              OrderedDiff.Sorting sorting) {
        List<Supplier<Iterator<Job>>> parts = new java.util.ArrayList<>();
        for (KeySpacePartitions.Part part : KeySpacePartitions.discover(source, pair.source(), destination,
                pair.destination(), depth)) {
            parts.add(() -> new OrderedDiff(pair, stats,
                    () -> listing(source, pair.source(), part, pageSize, stats.sourceListed::add),
                    () -> listing(destination, pair.destination(), part, pageSize, stats.destinationListed::add),
                    sorting, join -> join.comparingVersions(versions).knowingCopies(copies)));
        }
        return parts;
    }

    private static Iterator<ListedObject> listing(S3Client s3, io.s3replicator.store.S3Location at,
                                                  KeySpacePartitions.Part part, int pageSize,
                                                  java.util.function.LongConsumer onListed) {
        return new BucketListing(s3, at, at.prefix() + part.prefix(), null, part.direct() ? "/" : null, pageSize,
                onListed);
    }

    /** Waits for room; gives up once the diff is closed (nobody reads any more). */
    private void put(Object item) {
        try {
            while (!closed.get()) {
                if (found.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !ended) {
            try {
                Object item = found.take();
                if (item == END) {
                    ended = true;
                } else if (item instanceof RuntimeException e) {
                    ended = true;
                    close();
                    throw e;
                } else {
                    next = item;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing", e);
            }
        }
        return next != null;
    }

    @Override
    public Job next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Job job = (Job) next;
        next = null;
        return job;
    }

    /** Stops the listing threads (the diff ended early, or failed). */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            threads.shutdownNow();
        }
    }
}
