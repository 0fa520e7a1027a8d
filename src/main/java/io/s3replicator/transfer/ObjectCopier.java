package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.discover.ListedObject;
import io.s3replicator.observe.Units;
import io.s3replicator.queue.Job;
import io.s3replicator.storage.S3Clients;
import io.s3replicator.storage.S3Errors;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tagging;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * TRANSFER for objects up to the multipart threshold ({@link MultipartRoute} takes the rest): decides whether the destination
 * already holds the source version, then copies it server-side (CopyObject) or relays it
 * (streamed GET -> PUT, never the whole body in memory), with metadata and tags, pinned to
 * the source ETag seen at discovery, and verified.
 */
public class ObjectCopier {
    /** User metadata the replicator writes on every copy: the source ETag it came from. */
    public static final String SOURCE_ETAG_MARKER = "source-etag";
    /** User metadata: the source version id a copy was made from, when the source is versioned. */
    public static final String SOURCE_VERSION_MARKER = "source-version-id";
    /**
     * User metadata: when the original object was written (ISO-8601). A copy of a copy keeps the
     * original's; two-way sync compares these, not the copies' own last-modified times.
     */
    public static final String SOURCE_MTIME_MARKER = "source-mtime";
    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    /** Times a job follows a source that changes under it before giving up. */
    private static final int MAX_SOURCE_CHANGES = 3;
    /** S3's limit for one PutObject / CopyObject. */
    /** S3's limit for one PUT or CopyObject is the largest part size, 5 GiB. */
    private static final long MAX_SINGLE_REQUEST = PartPlan.MAX_PART_SIZE;

    private final S3Clients clients;

    public ObjectCopier(S3Clients clients) {
        this.clients = clients;
    }

    public TransferOutcome transfer(ReplicationPair pair, Job job) {
        S3Client source = clients.client("source", pair.source().endpoint());
        S3Client destination = clients.client("destination", pair.destination().endpoint());
        String destinationKey = pair.destinationKey(job.key());

        if (mayAlreadyHold(job)
                && destinationHolds(destination, pair.destination().bucket(), destinationKey, job.size(), job.etag())) {
            return TransferOutcome.skipped(TransferOutcome.IN_STEP);
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
                long copied = pair.serverSideCopy()
                        ? copyServerSide(destination, pair, job, destinationKey, etag)
                        : relay(source, destination, pair, job, destinationKey, etag);
                return TransferOutcome.copied(copied, path);
            } catch (S3Exception e) {
                if (S3Errors.isNotFound(e) && !"NoSuchBucket".equals(S3Errors.errorCode(e))) {
                    return TransferOutcome.skipped("source deleted since it was listed");
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

    /** The route sends large objects to multipart; one that grew past a single request's limit waits. */
    private static void requireSinglePart(long size) {
        if (size > MAX_SINGLE_REQUEST) {
            throw new TransferException("source grew to " + Units.bytes(size)
                    + " during the copy, above the single-request limit; the next diff copies it as multipart");
        }
    }

    /**
     * Whether to ask the destination before copying: not for objects the diff saw missing, nor
     * for a new version with the same ETag (compareVersions), which the destination "holds" by ETag.
     */
    static boolean mayAlreadyHold(Job job) {
        return job.reason() != Job.Reason.MISSING && job.reason() != Job.Reason.VERSION_DIFFERS;
    }

    static boolean destinationHolds(S3Client destination, String bucket, String key, long size, String etag) {
        HeadObjectResponse head = SourceAndDestination.head(destination, bucket, key, null);
        return head != null && head.contentLength() == size
                && (etag.equals(ListedObject.bareEtag(head.eTag())) || etag.equals(head.metadata().get(SOURCE_ETAG_MARKER)));
    }

    private long relay(S3Client source, S3Client destination, ReplicationPair pair, Job job, String destinationKey,
                       String etag) {
        GetObjectRequest get = GetObjectRequest.builder()
                .bucket(pair.source().bucket()).key(job.key()).versionId(job.versionId())
                .ifMatch(quoted(etag))
                .build();
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
                    .metadata(markers(meta.metadata(), job, etag, meta.versionId(), meta.lastModified()));
            if (meta.expiresString() != null) {
                put.overrideConfiguration(o -> o.putHeader("Expires", meta.expiresString()));
            }
            if (meta.tagCount() == null || meta.tagCount() > 0) {
                var tags = source.getObjectTagging(GetObjectTaggingRequest.builder()
                        .bucket(pair.source().bucket()).key(job.key()).versionId(job.versionId()).build()).tagSet();
                if (!tags.isEmpty()) {
                    put.tagging(Tagging.builder().tagSet(tags).build());
                }
            }
            PutObjectResponse written;
            try (RefetchingBody content = new RefetchingBody(body, () -> source.getObject(get))) {
                written = destination.putObject(put.build(), RequestBody.fromContentProvider(content,
                        meta.contentLength(), meta.contentType() != null ? meta.contentType() : "binary/octet-stream"));
            }
            // An SSE-KMS source's ETag is not the MD5 of its bytes: nothing to compare it with.
            verify(destination, pair, destinationKey, etag, written.eTag(),
                    meta.serverSideEncryption() == ServerSideEncryption.AWS_KMS ? meta.serverSideEncryption()
                            : written.serverSideEncryption());
            return meta.contentLength();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + job.key() + " from the source failed", e);
        }
    }

    private long copyServerSide(S3Client s3, ReplicationPair pair, Job job, String destinationKey, String etag) {
        HeadObjectResponse head = s3.headObject(HeadObjectRequest.builder()
                .bucket(pair.source().bucket()).key(job.key()).versionId(job.versionId()).ifMatch(quoted(etag)).build());
        // REPLACE so the source-etag marker is written; everything else is carried over explicitly.
        CopyObjectRequest.Builder copy = CopyObjectRequest.builder()
                .sourceBucket(pair.source().bucket()).sourceKey(job.key()).sourceVersionId(job.versionId())
                .destinationBucket(pair.destination().bucket()).destinationKey(destinationKey)
                .copySourceIfMatch(quoted(etag))
                .metadataDirective(MetadataDirective.REPLACE)
                .taggingDirective(TaggingDirective.COPY)
                .contentType(head.contentType())
                .contentEncoding(head.contentEncoding())
                .contentLanguage(head.contentLanguage())
                .contentDisposition(head.contentDisposition())
                .cacheControl(head.cacheControl())
                .metadata(markers(head.metadata(), job, etag, head.versionId(), head.lastModified()));
        if (head.expiresString() != null) {
            copy.overrideConfiguration(o -> o.putHeader("Expires", head.expiresString()));
        }
        CopyObjectResponse written = s3.copyObject(copy.build());
        verify(s3, pair, destinationKey, etag, written.copyObjectResult().eTag(), written.serverSideEncryption());
        return head.contentLength();
    }

    /**
     * A plain (single-part, non-KMS) source ETag is the MD5 of the bytes, so the destination's
     * must equal it. On mismatch the written object is removed, because its marker would
     * otherwise vouch for bytes that are wrong.
     */
    private static void verify(S3Client destination, ReplicationPair pair, String destinationKey, String sourceEtag,
                               String writtenEtag, ServerSideEncryption encryption) {
        if (!PLAIN_MD5.matcher(sourceEtag).matches() || encryption == ServerSideEncryption.AWS_KMS
                || encryption == ServerSideEncryption.AWS_KMS_DSSE) {
            return;
        }
        String written = ListedObject.bareEtag(writtenEtag);
        if (!sourceEtag.equalsIgnoreCase(written)) {
            destination.deleteObject(b -> b.bucket(pair.destination().bucket()).key(destinationKey));
            throw new TransferException("integrity check failed: destination ETag " + written
                    + " differs from source ETag " + sourceEtag + " (destination object removed)");
        }
    }

    /**
     * The source's user metadata plus the markers: the source ETag, the source version id (when
     * versioned) and the original's write time. That time is the event's (millisecond precise) when
     * the copy is exactly the version an event announced, else the source's last-modified; a
     * source that is itself a copy passes its own original's time on.
     */
    static Map<String, String> markers(Map<String, String> metadata, Job job, String etag, String versionId,
                                       Instant lastModified) {
        Map<String, String> out = new HashMap<>(metadata);
        out.put(SOURCE_ETAG_MARKER, etag);
        if (ListedObject.versionOrNull(versionId) != null) {
            out.put(SOURCE_VERSION_MARKER, versionId);
        } else {
            out.remove(SOURCE_VERSION_MARKER);
        }
        if (!out.containsKey(SOURCE_MTIME_MARKER)) {
            Instant written = "EVENT".equals(job.origin()) && etag.equals(job.etag()) && job.firstSeen() > 0
                    ? Instant.ofEpochMilli(job.firstSeen()) : lastModified;
            if (written != null) {
                out.put(SOURCE_MTIME_MARKER, written.toString());
            }
        }
        return out;
    }

    /** When the original of this object was written: its source-mtime marker, else its own last-modified. */
    public static Instant originalTime(Map<String, String> metadata, Instant lastModified) {
        String marker = metadata.get(SOURCE_MTIME_MARKER);
        if (marker != null) {
            try {
                return Instant.parse(marker);
            } catch (java.time.format.DateTimeParseException e) {
                // not ours after all: fall back to the object's own time
            }
        }
        return lastModified;
    }

    private static String quoted(String etag) {
        return "\"" + etag + "\"";
    }
}
