package io.s3replicator.discover;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** A lazy iterator in groups of up to {@code size}: one group in memory at a time. */
final class Batches<T> implements Iterator<List<T>>, Closeable {
    private final Iterator<T> items;
    private final int size;

    private Batches(Iterator<T> items, int size) {
        this.items = items;
        this.size = size;
    }

    static <T> Iterator<List<T>> of(Iterator<T> items, int size) {
        return new Batches<>(items, size);
    }

    @Override
    public boolean hasNext() {
        return items.hasNext();
    }

    @Override
    public List<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<T> batch = new ArrayList<>(size);
        while (batch.size() < size && items.hasNext()) {
            batch.add(items.next());
        }
        return batch;
    }

    /** Closes the iterator it groups, when that holds resources (a parallel listing's threads). */
    @Override
    public void close() throws IOException {
        if (items instanceof Closeable c) {
            c.close();
        }
    }
}
