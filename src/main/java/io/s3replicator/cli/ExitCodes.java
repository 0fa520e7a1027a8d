package io.s3replicator.cli;

/** Exit codes: part of the command-line contract, documented in the README. */
public final class ExitCodes {
    /** Everything is in step. */
    public static final int OK = 0;
    /** The run completed but some objects failed, or the diff itself failed. */
    public static final int FAILURES = 1;
    /** Bad command line, configuration, credentials or endpoint: nothing was done. */
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
