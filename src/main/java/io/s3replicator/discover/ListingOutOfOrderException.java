package io.s3replicator.discover;

/** A listing the store said was sorted came out of UTF-8 binary key order. */
public class ListingOutOfOrderException extends RuntimeException {
    public ListingOutOfOrderException(String where, String before, String after) {
        super("listing of " + where + " is not in UTF-8 binary key order ('" + before + "' came before '" + after
                + "')", null, false, false);
    }
}
