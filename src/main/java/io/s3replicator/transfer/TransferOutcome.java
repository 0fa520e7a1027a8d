package io.s3replicator.transfer;

import io.s3replicator.state.JobResult.Outcome;

/**
 * What a worker did with one job.
 *
 * @param path how bytes moved: {@value #SERVER_SIDE}, {@value #RELAY}, or null when none moved
 * @param destinationEtag the ETag of the object written, or null when none was
 */
public record TransferOutcome(Outcome outcome, String reason, long bytes, String path, String destinationEtag) {
    public static final String SERVER_SIDE = "server-side";
    public static final String RELAY = "relay";

    /** The skip that means the destination holds the source version (the copiers' and the two-way check's). */
    public static final String IN_STEP = "destination already holds this version";
    /** The conditional final write found the destination changed since the plan: the newer write is kept. */
    public static final String DESTINATION_CHANGED = "destination written while the copy ran: kept (newer than"
            + " this job's version); the next diff or event decides";

    public TransferOutcome(Outcome outcome, String reason, long bytes, String path) {
        this(outcome, reason, bytes, path, null);
    }

    public static boolean isInStep(String reason) {
        return IN_STEP.equals(reason);
    }

    public static TransferOutcome copied(long bytes, String path) {
        return copied(bytes, path, null);
    }

    public static TransferOutcome copied(long bytes, String path, String destinationEtag) {
        return new TransferOutcome(Outcome.COPIED, null, bytes, path, destinationEtag);
    }

    public static TransferOutcome deleted(String reason) {
        return new TransferOutcome(Outcome.DELETED, reason, 0, null);
    }

    public static TransferOutcome skipped(String reason) {
        return new TransferOutcome(Outcome.SKIPPED, reason, 0, null);
    }

    public static TransferOutcome dryRun(long bytes, String path) {
        return new TransferOutcome(Outcome.DRY_RUN, "dry run", bytes, path);
    }
}
