package io.s3replicator.transfer;

import io.s3replicator.model.ListedObject;
import io.s3replicator.state.JobResult.Outcome;

/**
 * What a worker did with one job.
 *
 * @param path how bytes moved: {@value #SERVER_SIDE}, {@value #RELAY}, or null when none moved
 * @param copy the source ETag and the destination ETag it has at the destination, when the job
 *             ended with the destination in step; null otherwise
 */
public record TransferOutcome(Outcome outcome, String reason, long bytes, String path, Copy copy) {
    /** A source version ({@code sourceEtag}) held at the destination as an object with {@code destinationEtag}. */
    public record Copy(String sourceEtag, String destinationEtag) {
        /** The two ETags differ (multipart copy of a single-part source, SSE-KMS): the diff needs a record. */
        public boolean etagsDiffer() {
            return sourceEtag != null && destinationEtag != null && !sourceEtag.equalsIgnoreCase(destinationEtag);
        }
    }

    public TransferOutcome(Outcome outcome, String reason, long bytes, String path) {
        this(outcome, reason, bytes, path, null);
    }

    /** The ETag of the object at the destination when the job ended in step (written or found), else null. */
    public String destinationEtag() {
        return copy == null ? null : copy.destinationEtag();
    }

    public static final String SERVER_SIDE = "server-side";
    public static final String RELAY = "relay";

    /** The skip that means the destination holds the source version (the copiers' and the two-way check's). */
    public static final String IN_STEP = "destination already holds this version";
    /** The conditional final write found the destination changed since the plan: the newer write is kept. */
    public static final String DESTINATION_CHANGED = "destination written while the copy ran: kept (newer than"
            + " this job's version); the next diff or event decides";

    public static boolean isInStep(String reason) {
        return IN_STEP.equals(reason);
    }

    public static TransferOutcome copied(long bytes, String path, String sourceEtag, String destinationEtag) {
        return new TransferOutcome(Outcome.COPIED, null, bytes, path, new Copy(sourceEtag,
                ListedObject.bareEtag(destinationEtag)));
    }

    /** The destination already holds the source version, as an object with {@code destinationEtag}. */
    public static TransferOutcome inStep(String sourceEtag, String destinationEtag) {
        return new TransferOutcome(Outcome.SKIPPED, IN_STEP, 0, null, new Copy(sourceEtag, destinationEtag));
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
