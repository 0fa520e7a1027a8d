package io.s3replicator.transfer;

import software.amazon.awssdk.http.ContentStreamProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Supplier;

/**
 * The body of a relayed PUT that the SDK can send again. A GET response stream cannot rewind,
 * so when the SDK retries a PUT (503 SlowDown, a reset) it asks for a new stream and we GET the
 * object again, pinned by the same If-Match; the first attempt reuses the GET already open.
 */
final class RefetchingBody implements ContentStreamProvider, AutoCloseable {
    private final Supplier<InputStream> refetch;
    private InputStream current;
    private boolean fresh = true;

    RefetchingBody(InputStream first, Supplier<InputStream> refetch) {
        this.current = first;
        this.refetch = refetch;
    }

    @Override
    public synchronized InputStream newStream() {
        if (fresh) {
            fresh = false;
            return current;
        }
        closeCurrent();
        current = refetch.get();
        return current;
    }

    @Override
    public synchronized void close() {
        closeCurrent();
    }

    private void closeCurrent() {
        try {
            if (current != null) {
                current.close();
            }
        } catch (IOException e) {
            // Closing a stream we no longer read: nothing to recover.
        }
    }
}
