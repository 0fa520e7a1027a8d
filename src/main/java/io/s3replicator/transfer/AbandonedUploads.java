package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.state.CheckpointStore;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.S3Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.Part;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * No billable leftovers: incomplete multipart uploads the replicator started and no job will
 * finish (failed for good, source deleted since, a key no job comes back to) are aborted after a
 * pair's diff. An upload is aborted only when it is provably the replicator's (its upload id is in
 * the checkpoint store: S3 lists no metadata of uploads in progress) and abandoned (neither it nor
 * any of its parts is younger than the age setting, so a live copy, which sends parts every few
 * minutes, is never touched). Uploads that cannot be proven ours, and those whose records were
 * lost, are left to the bucket's AbortIncompleteMultipartUpload lifecycle rule.
 */
public class AbandonedUploads {
    private static final Logger LOG = LoggerFactory.getLogger(AbandonedUploads.class);

    private final S3Clients clients;
    private final CheckpointStore checkpoints;
    private final Duration age;
    private final Clock clock;
    private final DestinationKeyLocks liveJobs;

    /** @param liveJobs keys jobs of this process are writing now: their uploads are never touched */
    public AbandonedUploads(S3Clients clients, CheckpointStore checkpoints, DestinationKeyLocks liveJobs, Duration age,
                            Clock clock) {
        this.liveJobs = liveJobs;
        this.clients = clients;
        this.checkpoints = checkpoints;
        this.age = age;
        this.clock = clock;
    }

    /** Aborts the pair's abandoned uploads under its destination prefix; never fails the caller. */
    public int sweep(ReplicationPair pair) {
        if (pair.dryRun()) {
            return 0;
        }
        String bucket = pair.destination().bucket();
        Instant before = clock.instant().minus(age);
        S3Client destination = clients.client("destination", pair.destination().endpoint());
        int aborted = 0;
        try {
            for (MultipartUpload upload : destination.listMultipartUploadsPaginator(b -> b.bucket(bucket)
                    .prefix(pair.destination().prefix())).uploads()) {
                if ((upload.initiated() != null && upload.initiated().isAfter(before))
                        || liveJobs.isHeld(DestinationKeyLocks.keyOf(pair, upload.key()))) {
                    continue;
                }
                boolean ours = checkpoints.uploadsFor(bucket, upload.key()).stream()
                        .anyMatch(c -> c.uploadId().equals(upload.uploadId()));
                if (!ours || lastPart(destination, bucket, upload).isAfter(before)) {
                    continue;
                }
                destination.abortMultipartUpload(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()));
                checkpoints.forget(upload.uploadId());
                aborted++;
            }
        } catch (RuntimeException e) {
            // Housekeeping: an unreachable store or state store must not fail the diff that ran before it.
            LOG.warn("pair {}: sweep of abandoned multipart uploads stopped: {}", pair.id(), S3Errors.describe(e));
        }
        if (aborted > 0) {
            LOG.info("pair {}: aborted {} abandoned multipart upload(s) the replicator started (no part for {})",
                    pair.id(), aborted, age);
        }
        return aborted;
    }

    private static Instant lastPart(S3Client s3, String bucket, MultipartUpload upload) {
        Instant newest = Instant.EPOCH;
        for (Part part : s3.listPartsPaginator(b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()))
                .parts()) {
            if (part.lastModified() != null && part.lastModified().isAfter(newest)) {
                newest = part.lastModified();
            }
        }
        return newest;
    }
}
