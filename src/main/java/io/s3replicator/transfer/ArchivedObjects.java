package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.Job;
import io.s3replicator.store.ArchiveRestore;
import io.s3replicator.store.S3Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.RestoreRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Objects in GLACIER, DEEP_ARCHIVE or an Intelligent-Tiering archive tier cannot be read until restored
 * (GET and copies answer 403 InvalidObjectState). They are a skip with reason {@value #ARCHIVED}, never a
 * failure; with the source's {@code restore} option a restore is started once, and the first diff after
 * it completes copies the object like any other.
 */
final class ArchivedObjects {
    static final String ARCHIVED = "archived";
    static final String RESTORE_REQUESTED = "archived: restore requested";
    static final String RESTORE_IN_PROGRESS = "archived: restore in progress";
    private static final Logger LOG = LoggerFactory.getLogger(ArchivedObjects.class);

    private ArchivedObjects() {
    }

    /** What HEAD says: an archive class without a finished restore, or an Intelligent-Tiering archive tier. */
    static boolean isArchived(HeadObjectResponse head) {
        boolean restored = head.restore() != null && head.restore().contains("ongoing-request=\"false\"");
        String storageClass = head.storageClassAsString();
        boolean archiveClass = "GLACIER".equals(storageClass) || "DEEP_ARCHIVE".equals(storageClass);
        return !restored && (archiveClass || head.archiveStatus() != null);
    }

    /**
     * The outcome for an archived source object: skipped, after asking for its restore when the source
     * side has a {@code restore} option and none is running.
     *
     * @param head the source's HEAD when the caller has it, else null
     */
    static TransferOutcome skip(S3Client source, ReplicationPair pair, Job job, HeadObjectResponse head) {
        ArchiveRestore restore = pair.source().endpoint().restore();
        if (restore == null) {
            return TransferOutcome.skipped(ARCHIVED);
        }
        String bucket = pair.source().bucket();
        if (head == null) {
            head = source.headObject(h -> h.bucket(bucket).key(job.key()).versionId(job.versionId()));
        }
        if (head.restore() != null && head.restore().contains("ongoing-request=\"true\"")) {
            return TransferOutcome.skipped(RESTORE_IN_PROGRESS);
        }
        // Intelligent-Tiering archive tiers take no days: the object moves back to a readable tier.
        RestoreRequest.Builder request = RestoreRequest.builder().glacierJobParameters(j -> j.tier(restore.tier()));
        if (head.archiveStatus() == null) {
            request.days(restore.days());
        }
        try {
            source.restoreObject(r -> r.bucket(bucket).key(job.key()).versionId(job.versionId())
                    .restoreRequest(request.build()));
        } catch (S3Exception e) {
            if ("RestoreAlreadyInProgress".equals(S3Errors.errorCode(e))) {
                return TransferOutcome.skipped(RESTORE_IN_PROGRESS);
            }
            throw e;
        }
        LOG.info("{}: archived ({}): restore requested ({}), copied by the first diff after it completes",
                job.key(), head.archiveStatus() != null ? head.archiveStatusAsString() : head.storageClassAsString(),
                restore);
        return TransferOutcome.skipped(RESTORE_REQUESTED);
    }
}
