package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.ListedObject;
import io.s3replicator.record.Units;
import io.s3replicator.model.Job;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.SourceTags;
import io.s3replicator.store.S3Errors;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tagging;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * TRANSFER for objects up to the multipart threshold ({@link MultipartRoute} takes the rest): decides whether the destination
 * already holds the source version, then copies it server-side (CopyObject) or relays it
 * (streamed GET -> PUT, never the whole body in memory), with metadata and tags, pinned to
 * the source ETag seen at discovery, written on condition that the destination is still what the
 * plan saw ({@link DestinationPrecondition}), and verified.
 *
 * <p>Longer than 300 lines on purpose: the single-request copy is one sequence (pin, copy,
 * condition, verify, follow a changed source, write over an older copy of this pair) whose steps
 * only make sense read together.
 */
public class ObjectCopier {
    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    /** Times a job follows a source that changes under it before giving up. */
    private static final int MAX_SOURCE_CHANGES = 3;
    /** S3's limit for one PUT or CopyObject is the largest part size, 5 GiB. */
    private static final long MAX_SINGLE_REQUEST = PartPlan.MAX_PART_SIZE;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ObjectCopier.class);

    private final S3Clients clients;

    public ObjectCopier(S3Clients clients) {
        this.clients = clients;
    }

    /**
     * @param seen what the destination held when the job was planned (the two-way check looked), or
     *             null to look now; the final write is conditional on it
     */
    public TransferOutcome transfer(ReplicationPair pair, Job job, DestinationPrecondition seen) {
        S3Client source = clients.client("source", pair.source().endpoint());
        S3Client destination = clients.client("destination", pair.destination().endpoint());
        String destinationKey = pair.destinationKey(job.key());

        DestinationPrecondition expected = seen != null ? seen
                : lookAtDestination(destination, pair, job, destinationKey, job.etag());
        if (expected.inStep()) {
            return TransferOutcome.inStep(job.etag(), expected.etag());
        }
        String path = pair.serverSideCopy() ? TransferOutcome.SERVER_SIDE : TransferOutcome.RELAY;
        String etag = job.etag();
        long size = job.size();
        for (int attempt = 0; attempt <= MAX_SOURCE_CHANGES; attempt++) {
            requireSinglePart(size);
            if (pair.dryRun()) {
                return TransferOutcome.dryRun(size, path);
            }
            try {
                return pair.serverSideCopy()
                        ? copyServerSide(source, destination, pair, job, destinationKey, etag, expected)
                        : relay(source, destination, pair, job, destinationKey, etag, expected);
            } catch (DestinationChangedException e) {
                DestinationPrecondition over = overOlderCopy(source, destination, pair, job.key(), destinationKey, etag);
                if (over == null || attempt == MAX_SOURCE_CHANGES) {
                    return afterDestinationChanged(destination, pair, destinationKey, size, etag);
                }
                expected = over;
            } catch (S3Exception e) {
                if (S3Errors.isNotFound(e) && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                    return TransferOutcome.skipped("source deleted since it was listed");
                }
                if (S3Errors.isArchived(e)) {
                    return ArchivedObjects.skip(source, pair, job, null);
                }
                if (!S3Errors.isPreconditionFailed(e)) {
                    throw e;
                }
                // The source changed since discovery: follow it to its new version, never mix versions.
                HeadObjectResponse now = SourceAndDestination.head(source, pair.source().bucket(), job.key(), null);
                if (now == null) {
                    return TransferOutcome.skipped("source deleted since it was listed");
                }
                etag = ListedObject.bareEtag(now.eTag());
                size = now.contentLength();
            }
        }
        throw new TransferException("source changed " + MAX_SOURCE_CHANGES + " times during the copy; will retry on the next diff");
    }

    /**
     * The conditional final write was refused: someone wrote the destination after the plan, so
     * what is there now is newer than the version this job carries and stays. Not a failure.
     */
    static TransferOutcome afterDestinationChanged(S3Client destination, ReplicationPair pair, String destinationKey,
                                                   long size, String etag) {
        HeadObjectResponse now = SourceAndDestination.head(destination, pair.destination().bucket(), destinationKey, null);
        return TransferOutcome.skipped(holds(now, pair.destination().bucket(), destinationKey, size, etag)
                ? TransferOutcome.IN_STEP : TransferOutcome.DESTINATION_CHANGED);
    }

    /**
     * The conditional final write was refused, but what landed is this pair's own copy of another
     * source version while the version this job carries is still the source's latest: another job
     * (another worker, a late event) copied an older version in the meantime. Write over that copy,
     * conditional on it: the returned precondition. Null when what landed must stay (a user's write,
     * another pair's copy, or a source that moved on since, whose own job brings the newer version).
     */
    static DestinationPrecondition overOlderCopy(S3Client source, S3Client destination, ReplicationPair pair,
                                                 String sourceKey, String destinationKey, String etag) {
        String bucket = pair.destination().bucket();
        HeadObjectResponse now = SourceAndDestination.head(destination, bucket, destinationKey, null);
        ReplicaMarkers.Trusted landed = now == null ? null : ReplicaMarkers.read(now.metadata(), bucket, destinationKey);
        if (landed == null || !landed.pairTag().equals(ReplicaMarkers.pairTag(pair))
                || landed.sourceEtag().equalsIgnoreCase(etag)) {
            return null;
        }
        HeadObjectResponse latest = SourceAndDestination.head(source, pair.source().bucket(), sourceKey, null);
        if (latest == null || !etag.equalsIgnoreCase(ListedObject.bareEtag(latest.eTag()))) {
            return null;
        }
        LOG.info("pair {}: an older copy of {} landed while the newer version was written; writing over it",
                pair.id(), destinationKey);
        return DestinationPrecondition.of(now);
    }

    /** The route sends large objects to multipart; one that grew past a single request's limit waits. */
    private static void requireSinglePart(long size) {
        if (size > MAX_SINGLE_REQUEST) {
            throw new TransferException("source grew to " + Units.bytes(size)
                    + " during the copy, above the single-request limit; the next diff copies it as multipart");
        }
    }

    /**
     * What the final write is conditional on: absent for a key the diff saw missing (no request),
     * else the destination's ETag now, {@link DestinationPrecondition#inStep() in step} when the
     * destination already holds this version.
     */
    static DestinationPrecondition lookAtDestination(S3Client destination, ReplicationPair pair, Job job,
                                                     String destinationKey, String etag) {
        if (job.reason() == Job.Reason.MISSING) {
            return DestinationPrecondition.ABSENT;
        }
        String bucket = pair.destination().bucket();
        HeadObjectResponse head = SourceAndDestination.head(destination, bucket, destinationKey, null);
        if (mayAlreadyHold(job) && holds(head, bucket, destinationKey, job.size(), etag)) {
            return DestinationPrecondition.holding(head);
        }
        return DestinationPrecondition.of(head);
    }

    /**
     * Whether to ask the destination before copying: not for objects the diff saw missing, nor
     * for a new version with the same ETag (compareVersions), which the destination "holds" by ETag.
     */
    static boolean mayAlreadyHold(Job job) {
        return job.reason() != Job.Reason.MISSING && job.reason() != Job.Reason.VERSION_DIFFERS;
    }

    /**
     * Whether the destination object is this source version: the same size, and the same ETag or
     * a source-etag marker written at this very location that names it.
     */
    static boolean holds(HeadObjectResponse head, String bucket, String key, long size, String etag) {
        return head != null && head.contentLength() == size
                && (etag.equalsIgnoreCase(ListedObject.bareEtag(head.eTag()))
                    || etag.equalsIgnoreCase(ReplicaMarkers.sourceEtag(head.metadata(), bucket, key)));
    }

    private TransferOutcome relay(S3Client source, S3Client destination, ReplicationPair pair, Job job, String destinationKey,
                       String etag, DestinationPrecondition expected) {
        GetObjectRequest get = GetObjectRequest.builder()
                .bucket(pair.source().bucket()).key(job.key()).versionId(job.versionId())
                .ifMatch(quoted(etag))
                .build();
        var tagsAsked = clients.sourceTags().askAhead(pair.id(), pair.source(), pair.destination(), job.key(),
                job.versionId());
        try (ResponseInputStream<GetObjectResponse> body = source.getObject(get)) {
            GetObjectResponse meta = body.response();
            PutObjectRequest.Builder put = PutObjectRequest.builder()
                    .bucket(pair.destination().bucket()).key(destinationKey)
                    .contentLength(meta.contentLength())
                    .contentType(meta.contentType())
                    .contentEncoding(meta.contentEncoding())
                    .contentLanguage(meta.contentLanguage())
                    .contentDisposition(meta.contentDisposition())
                    .cacheControl(meta.cacheControl())
                    .ifMatch(expected.ifMatch(pair))
                    .ifNoneMatch(expected.ifNoneMatch(pair))
                    .metadata(markers(pair, job, destinationKey, meta.metadata(), etag, meta.versionId(),
                            meta.lastModified()));
            if (meta.expiresString() != null) {
                put.overrideConfiguration(o -> o.putHeader("Expires", meta.expiresString()));
            }
            var tags = tagsAsked != null ? SourceTags.await(tagsAsked) : clients.sourceTags().toCopy(pair.id(),
                    pair.source(), pair.destination(), job.key(), job.versionId(), meta.tagCount());
            if (!tags.isEmpty()) {
                put.tagging(Tagging.builder().tagSet(tags).build());
            }
            PutObjectResponse written;
            try (RefetchingBody content = new RefetchingBody(body, () -> source.getObject(get))) {
                written = destination.putObject(put.build(), RequestBody.fromContentProvider(content,
                        meta.contentLength(), meta.contentType() != null ? meta.contentType() : "binary/octet-stream"));
            } catch (S3Exception e) {
                throw S3Errors.isPreconditionFailed(e) ? new DestinationChangedException() : e;
            }
            verify(destination, pair, destinationKey, etag, Encryption.of(meta.serverSideEncryption(),
                    meta.sseCustomerAlgorithm()), written.eTag(), Encryption.of(written.serverSideEncryption(),
                    written.sseCustomerAlgorithm()));
            return TransferOutcome.copied(meta.contentLength(), TransferOutcome.RELAY, etag, written.eTag());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + job.key() + " from the source failed", e);
        }
    }

    private TransferOutcome copyServerSide(S3Client source, S3Client destination, ReplicationPair pair, Job job,
                                String destinationKey, String etag, DestinationPrecondition expected) {
        // The source's own client: in its own region (a bucket answers 301 to requests signed for another).
        HeadObjectResponse head = source.headObject(HeadObjectRequest.builder()
                .bucket(pair.source().bucket()).key(job.key()).versionId(job.versionId()).ifMatch(quoted(etag)).build());
        // REPLACE so the markers are written; everything else is carried over explicitly.
        CopyObjectRequest.Builder copy = CopyObjectRequest.builder()
                .sourceBucket(pair.source().bucket()).sourceKey(job.key()).sourceVersionId(job.versionId())
                .destinationBucket(pair.destination().bucket()).destinationKey(destinationKey)
                .copySourceIfMatch(quoted(etag))
                .ifMatch(expected.ifMatch(pair))
                .ifNoneMatch(expected.ifNoneMatch(pair))
                .metadataDirective(MetadataDirective.REPLACE)
                .taggingDirective(TaggingDirective.COPY)
                .contentType(head.contentType())
                .contentEncoding(head.contentEncoding())
                .contentLanguage(head.contentLanguage())
                .contentDisposition(head.contentDisposition())
                .cacheControl(head.cacheControl())
                .metadata(markers(pair, job, destinationKey, head.metadata(), etag, head.versionId(),
                        head.lastModified()));
        if (head.expiresString() != null) {
            copy.overrideConfiguration(o -> o.putHeader("Expires", head.expiresString()));
        }
        CopyObjectResponse written;
        try {
            written = destination.copyObject(copy.build());
        } catch (S3Exception e) {
            // One 412 for two conditions: the source's (copy-source-if-match) or the destination's.
            if (S3Errors.isPreconditionFailed(e)) {
                HeadObjectResponse now = SourceAndDestination.head(source, pair.source().bucket(), job.key(),
                        job.versionId());
                if (now != null && etag.equalsIgnoreCase(ListedObject.bareEtag(now.eTag()))) {
                    throw new DestinationChangedException();
                }
            }
            throw e;
        }
        verify(destination, pair, destinationKey, etag, Encryption.of(head.serverSideEncryption(),
                head.sseCustomerAlgorithm()), written.copyObjectResult().eTag(),
                Encryption.of(written.serverSideEncryption(), written.sseCustomerAlgorithm()));
        return TransferOutcome.copied(head.contentLength(), TransferOutcome.SERVER_SIDE, etag,
                written.copyObjectResult().eTag());
    }

    /**
     * A source ETag that is a plain MD5 of the bytes (single-part, not SSE-KMS or SSE-C) is compared
     * with the destination's, when the destination's is one too; anything else is not comparable
     * (the store validated the body's Content-MD5 / checksum on upload) and is never a failure. On a
     * mismatch of comparable ETags the written object is removed, because its marker would
     * otherwise vouch for bytes that are wrong.
     */
    static void verify(S3Client destination, ReplicationPair pair, String destinationKey, String sourceEtag,
                       Encryption sourceEncryption, String writtenEtag, Encryption destinationEncryption) {
        if (!PLAIN_MD5.matcher(sourceEtag).matches() || !sourceEncryption.etagIsMd5()
                || !destinationEncryption.etagIsMd5()) {
            return;
        }
        String written = ListedObject.bareEtag(writtenEtag);
        if (written == null || !PLAIN_MD5.matcher(written).matches()) {
            return;
        }
        if (!sourceEtag.equalsIgnoreCase(written)) {
            destination.deleteObject(b -> b.bucket(pair.destination().bucket()).key(destinationKey));
            throw new TransferException("integrity check failed: destination ETag " + written
                    + " differs from source ETag " + sourceEtag + " (destination object removed)");
        }
    }

    /**
     * The metadata of the copy: the source's own plus this pair's markers. The original's write
     * time is the event's (millisecond precise) when the copy is exactly the version an event
     * announced, else the source's last-modified.
     */
    static Map<String, String> markers(ReplicationPair pair, Job job, String destinationKey,
                                       Map<String, String> metadata, String etag, String versionId,
                                       Instant lastModified) {
        Instant written = "EVENT".equals(job.origin()) && etag.equalsIgnoreCase(job.etag()) && job.firstSeen() > 0
                ? Instant.ofEpochMilli(job.firstSeen()) : lastModified;
        return ReplicaMarkers.forCopy(pair, metadata, job.key(), destinationKey, etag, versionId, written);
    }

    /** The final conditional write was refused (412): the destination changed since the plan. */
    static final class DestinationChangedException extends RuntimeException {
        DestinationChangedException() {
            super("destination changed since the plan", null, false, false);
        }
    }

    private static String quoted(String etag) {
        return "\"" + etag + "\"";
    }
}
