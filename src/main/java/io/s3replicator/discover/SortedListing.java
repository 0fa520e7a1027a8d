package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * A listing in UTF-8 binary key order ({@link KeyOrder}) whatever order the store lists in: an external
 * merge sort. Runs of at most {@code runEntries} objects are sorted in memory and spilled to files in a
 * temporary directory, then merged. Memory holds one run while spilling and one object per run while
 * merging, whatever the bucket size; the files are deleted when the merge ends or on {@link #close}.
 */
public final class SortedListing implements Iterator<ListedObject>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SortedListing.class);
    private static final Comparator<ListedObject> ORDER = (a, b) -> KeyOrder.compare(a.relativeKey(), b.relativeKey());

    private final Path dir;
    private final List<RunReader> readers = new ArrayList<>();
    private final PriorityQueue<RunReader> heads = new PriorityQueue<>((a, b) -> ORDER.compare(a.head, b.head));
    private boolean closed;

    /**
     * Reads {@code listing} to its end, spilling sorted runs under {@code tempRoot}.
     *
     * @param runEntries objects per in-memory run (bounds the heap: about 300 bytes each)
     */
    public SortedListing(Iterator<ListedObject> listing, int runEntries, Path tempRoot) {
        try {
            Files.createDirectories(tempRoot);
            this.dir = Files.createTempDirectory(tempRoot, "s3replicator-sort-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory to sort a listing in under " + tempRoot, e);
        }
        try {
            List<ListedObject> run = new ArrayList<>(Math.min(runEntries, 1024));
            int runs = 0;
            long objects = 0;
            while (listing.hasNext()) {
                run.add(listing.next());
                objects++;
                if (run.size() >= runEntries) {
                    spill(run, runs++);
                }
            }
            if (!run.isEmpty()) {
                spill(run, runs++);
            }
            for (int i = 0; i < runs; i++) {
                RunReader reader = new RunReader(dir.resolve("run-" + i));
                readers.add(reader);
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
            LOG.debug("sorted {} listed objects in {} runs under {}", objects, runs, dir);
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("sorting a listing on local disk failed (" + dir + ")", e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void spill(List<ListedObject> run, int index) throws IOException {
        run.sort(ORDER);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                Files.newOutputStream(dir.resolve("run-" + index)), 1 << 16))) {
            for (ListedObject o : run) {
                // writeUTF round-trips every Java string (modified UTF-8); keys are at most 1,024 bytes.
                out.writeUTF(o.key());
                out.writeUTF(o.relativeKey());
                out.writeLong(o.size());
                writeNullable(out, o.etag());
                writeNullable(out, o.versionId());
            }
        }
        run.clear();
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    @Override
    public boolean hasNext() {
        if (heads.isEmpty()) {
            close();
            return false;
        }
        return true;
    }

    @Override
    public ListedObject next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        RunReader reader = heads.poll();
        ListedObject next = reader.head;
        try {
            if (reader.advance()) {
                heads.add(reader);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("reading a sorted run from " + dir + " failed", e);
        }
        return next;
    }

    /** Deletes the run files; safe to call twice. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heads.clear();
        for (RunReader r : readers) {
            try {
                r.in.close();
            } catch (IOException e) {
                LOG.debug("closing {}: {}", dir, e.toString());
            }
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("could not delete the sort files under {}: {}", dir, e.toString());
        }
    }

    /** One spilled run, read one object at a time. */
    private static final class RunReader {
        final DataInputStream in;
        ListedObject head;

        RunReader(Path file) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
        }

        boolean advance() throws IOException {
            String key;
            try {
                key = in.readUTF();
            } catch (EOFException end) {
                head = null;
                return false;
            }
            head = new ListedObject(key, in.readUTF(), in.readLong(), readNullable(in), readNullable(in));
            return true;
        }
    }
}
