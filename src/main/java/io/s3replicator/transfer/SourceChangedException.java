package io.s3replicator.transfer;

/** The source no longer has the ETag the copy is pinned to (If-Match failed): start over. */
public class SourceChangedException extends RuntimeException {
    public SourceChangedException(String key) {
        super("source " + key + " changed during the copy");
    }
}
