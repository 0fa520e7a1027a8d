package io.s3replicator.queue;

import io.s3replicator.model.Job;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.state.Sha256;


/**
 * The identity of a job for the in-flight repository, shared by the diff (which marks jobs it
 * queues) and the workers (which claim them): destination endpoint, bucket and key, and the
 * source ETag and version. SHA-256: fixed length, fits any repository column or item key.
 */
public final class JobIdentity {
    private JobIdentity() {
    }

    public static String of(ReplicationPair pair, Job job) {
        return of(pair, job.key(), job.etag(), job.versionId(), runScope(pair, job));
    }

    /**
     * With deletes (and in two-way pairs) a finished job no longer means the destination holds
     * that version: the object may be deleted minutes later, by a delete event or a user. A diff
     * job of such a pair is then its run's own, so the done mark of an earlier copy of the same
     * version cannot drop the diff's repair; within one run, marks still keep workers from
     * queueing it twice.
     */
    private static String runScope(ReplicationPair pair, Job job) {
        boolean deletable = pair.features().deletes() || pair.features().twoWay();
        return deletable && "DIFF".equals(job.origin()) && job.runId() != null ? job.runId() : null;
    }

    /** The identity of the job that copied {@code etag} / {@code versionId} of a source key (outside any run). */
    public static String of(ReplicationPair pair, String sourceKey, String etag, String versionId) {
        return of(pair, sourceKey, etag, versionId, null);
    }

    private static String of(ReplicationPair pair, String sourceKey, String etag, String versionId, String run) {
        // Length-prefixed parts: S3 keys may hold newlines, so a plain join could make two jobs one.
        return Sha256.hex(pair.destination().endpoint().describe(), pair.destination().bucket(),
                pair.destinationKey(sourceKey), etag, versionId, run);
    }
}
