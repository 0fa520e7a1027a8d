package io.s3replicator.discover.inventory;

/** An inventory report that cannot be used as it is: the message says why, in one line. */
public class InventoryException extends RuntimeException {
    public InventoryException(String message) {
        super(message);
    }
}
