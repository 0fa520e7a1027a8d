package io.s3replicator.transfer;

/**
 * The exchange properties a job carries from the DECIDE step (decide.TransferRoute) into the
 * copy routes of this package: named once here, so moving bytes never imports the decisions.
 */
public final class TransferExchange {
    /** The {@link io.s3replicator.model.Job} being run. */
    public static final String JOB = "S3ReplicatorJob";
    /** Its {@link io.s3replicator.config.ReplicationPair}. */
    public static final String PAIR = "S3ReplicatorPair";
    /** The {@link TransferOutcome} of the job, set by whichever step settled or copied it. */
    public static final String OUTCOME = "S3ReplicatorOutcome";
    /** The {@link DestinationPrecondition} the plan saw, when it looked at the destination. */
    public static final String DESTINATION_SEEN = "S3ReplicatorDestinationSeen";

    private TransferExchange() {
    }
}
