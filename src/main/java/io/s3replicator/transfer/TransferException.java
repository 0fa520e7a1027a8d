package io.s3replicator.transfer;

/** A job that failed for a reason retrying will not fix (too large for now, integrity). */
public class TransferException extends RuntimeException {
    public TransferException(String message) {
        super(message);
    }
}
