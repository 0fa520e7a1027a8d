package io.s3replicator.model;

/** A message that can never be processed (unparsable, unknown pair): never retried. */
public class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String message) {
        super(message);
    }
}
