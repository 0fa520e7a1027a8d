package io.s3replicator.model;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An iterator that finds its next element ahead of {@link #next()} (listings, joins, report rows
 * read lazily): a subclass says only how to fetch the next one.
 */
public abstract class LookaheadIterator<T> implements Iterator<T> {
    private T next;

    /** The next element, or null at the end (called again after the end only if a subclass allows it). */
    protected abstract T fetch();

    @Override
    public final boolean hasNext() {
        if (next == null) {
            next = fetch();
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T element = next;
        next = null;
        return element;
    }
}
