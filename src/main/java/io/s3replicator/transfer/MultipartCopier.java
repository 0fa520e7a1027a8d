package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.ListedObject;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.record.Units;
import io.s3replicator.model.Job;
import io.s3replicator.state.CheckpointStore;
import io.s3replicator.store.Capabilities;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.S3Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListPartsRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.UploadPartCopyResponse;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.s3replicator.store.Capabilities.MultipartEtag.MD5_OF_PARTS;

/**
 * The S3 side of a multipart copy (README, "How it works", Large objects): start or resume an upload,
 * move one part (UploadPartCopy server-side, or ranged GET + UploadPart through memory), then
 * complete and verify. {@link MultipartRoute} orchestrates these calls.
 *
 * <p>Longer than 300 lines on purpose: every S3 call of an upload's life (create, resume from
 * ListParts, part, complete, verify, abort) with the part-layout rules they share; split, the
 * rules that keep a resumed upload valid would be read across files.
 */
public class MultipartCopier {
    public static final String MULTIPART_SERVER_SIDE = "multipart-server-side";
    public static final String MULTIPART_RELAY = "multipart-relay";
    private static final Logger LOG = LoggerFactory.getLogger(MultipartCopier.class);
    private static final Pattern MULTIPART_ETAG = Pattern.compile("[0-9a-fA-F]{32}-(\\d+)");
    private static final Pattern PLAIN_MD5 = Pattern.compile("[0-9a-fA-F]{32}");
    /** Relayed parts live in one byte array each. */
    private static final long MAX_RELAY_PART = 1024L * 1024 * 1024;

    /** Where the part size came from: the source's own layout (confirmed or inferred), or ours. */
    public enum Layout { SOURCE_CONFIRMED, SOURCE_INFERRED, OWN }

    /** One object's multipart copy in progress. Parts already at the destination are in {@code resumed}. */
    public static final class Upload {
        final ReplicationPair pair;
        final Job job;
        final String sourceEtag;
        final String destinationKey;
        final String uploadId;
        final PartPlan plan;
        final Layout layout;
        final SortedMap<Integer, String> resumed;
        /** An SSE-KMS source's ETag is not made of MD5s: nothing to compare the destination's with. */
        final boolean sourceKms;
        /** What the destination held at the plan: CompleteMultipartUpload is conditional on it. */
        final DestinationPrecondition expected;

        Upload(ReplicationPair pair, Job job, String sourceEtag, String destinationKey, String uploadId, PartPlan plan,
               Layout layout, SortedMap<Integer, String> resumed, boolean sourceKms, DestinationPrecondition expected) {
            this.sourceKms = sourceKms;
            this.expected = expected;
            this.pair = pair;
            this.job = job;
            this.sourceEtag = sourceEtag;
            this.destinationKey = destinationKey;
            this.uploadId = uploadId;
            this.plan = plan;
            this.layout = layout;
            this.resumed = resumed;
        }

        public PartPlan plan() {
            return plan;
        }

        public String path() {
            return pair.serverSideCopy() ? MULTIPART_SERVER_SIDE : MULTIPART_RELAY;
        }
    }

    /** Either an outcome with nothing to copy (skip, dry run) or an upload whose missing parts must move. */
    public record Start(TransferOutcome outcome, Upload upload, DestinationPrecondition expected) {
    }

    private final S3Clients clients;
    private final CheckpointStore checkpoints;
    private final RunRegistry runs;
    private final long preferredPartSize;
    private final PartRetry retry;

    public MultipartCopier(S3Clients clients, CheckpointStore checkpoints, RunRegistry runs,
                           long preferredPartSize, PartRetry retry) {
        this.clients = clients;
        this.checkpoints = checkpoints;
        this.runs = runs;
        this.preferredPartSize = preferredPartSize;
        this.retry = retry;
    }

    /**
     * Skips what the destination already holds, aborts uploads for older source versions, and
     * resumes this version's upload (ListParts decides which parts are there) or creates one.
     */
    /**
     * @param seen what the destination held when the job was planned, or null to look now (first
     *             attempt) ; completion is conditional on it
     */
    public Start begin(ReplicationPair pair, Job job, String etag, DestinationPrecondition seen) {
        S3Client source = source(pair);
        S3Client destination = destination(pair);
        String bucket = pair.destination().bucket();
        String destinationKey = pair.destinationKey(job.key());
        DestinationPrecondition expected = seen != null ? seen
                : ObjectCopier.lookAtDestination(destination, pair, job, destinationKey, etag);
        if (expected.inStep()) {
            return new Start(TransferOutcome.inStep(etag, expected.etag()), null, null);
        }
        HeadObjectResponse head;
        try {
            head = source.headObject(HeadObjectRequest.builder().bucket(pair.source().bucket()).key(job.key())
                    .versionId(job.versionId()).ifMatch(quoted(etag)).build());
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return new Start(TransferOutcome.skipped("source deleted since it was listed"), null, expected);
            }
            throw S3Errors.isPreconditionFailed(e) ? new SourceChangedException(job.key()) : e;
        }
        long size = head.contentLength();
        if (ArchivedObjects.isArchived(head)) {
            return new Start(ArchivedObjects.skip(source, pair, job, head), null, expected);
        }
        if (pair.dryRun()) {
            return new Start(TransferOutcome.dryRun(size, pair.serverSideCopy()
                    ? MULTIPART_SERVER_SIDE : MULTIPART_RELAY), null, expected);
        }
        for (CheckpointStore.Upload stale : checkpoints.uploadsFor(bucket, destinationKey)) {
            if (!stale.sourceEtag().equalsIgnoreCase(etag)) {
                LOG.info("aborting upload of {} for an older source version {}", destinationKey, stale.sourceEtag());
                abortQuietly(destination, bucket, destinationKey, stale.uploadId());
            }
        }
        var checkpoint = checkpoints.find(bucket, destinationKey, etag);
        if (checkpoint.isPresent()) {
            Upload resumed = resume(pair, job, etag, destinationKey, size, checkpoint.get(),
                    isKms(head.serverSideEncryption()), expected);
            if (resumed != null) {
                return new Start(null, resumed, expected);
            }
        }
        Layout[] layout = new Layout[1];
        PartPlan plan = planNew(source, pair, job, etag, size, layout);
        String uploadId = destination.createMultipartUpload(create(pair, job, destinationKey, etag, head)).uploadId();
        checkpoints.started(new CheckpointStore.Upload(bucket, destinationKey, etag, uploadId, plan.partSize()));
        LOG.info("multipart {} of {} ({}): {} parts of {} ({} layout)", pair.serverSideCopy() ? "server-side" : "relay",
                job.key(), Units.bytes(size), plan.partCount(), Units.bytes(plan.partSize()), layout[0]);
        return new Start(null, new Upload(pair, job, etag, destinationKey, uploadId, plan, layout[0], new TreeMap<>(),
                isKms(head.serverSideEncryption()), expected), expected);
    }

    /** Continues a checkpointed upload with its original part size; null when the store forgot it. */
    private Upload resume(ReplicationPair pair, Job job, String etag, String destinationKey, long size,
                          CheckpointStore.Upload checkpoint, boolean sourceKms, DestinationPrecondition expected) {
        PartPlan plan = PartPlan.withPartSize(size, checkpoint.partSize());
        SortedMap<Integer, String> present = new TreeMap<>();
        try {
            destination(pair).listPartsPaginator(ListPartsRequest.builder().bucket(pair.destination().bucket())
                    .key(destinationKey).uploadId(checkpoint.uploadId()).build()).parts().forEach(p -> {
                        // A part is only kept when its size is the one this plan expects.
                        if (p.partNumber() <= plan.partCount() && p.size() == plan.part(p.partNumber()).length()) {
                            present.put(p.partNumber(), ListedObject.bareEtag(p.eTag()));
                        }
                    });
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                checkpoints.forget(checkpoint.uploadId());
                return null;
            }
            throw e;
        }
        LOG.info("resuming upload of {}: {} of {} parts already at the destination", job.key(), present.size(),
                plan.partCount());
        Layout layout = plan.partCount() == sourceParts(pair, etag) ? Layout.SOURCE_INFERRED : Layout.OWN;
        return new Upload(pair, job, etag, destinationKey, checkpoint.uploadId(), plan, layout, present, sourceKms,
                expected);
    }

    /** Reuse the source's uniform part size when it is multipart, so both ETags come out equal. */
    private PartPlan planNew(S3Client source, ReplicationPair pair, Job job, String etag, long size, Layout[] layout) {
        int parts = sourceParts(pair, etag);
        long ceiling = pair.serverSideCopy() ? PartPlan.MAX_PART_SIZE : MAX_RELAY_PART;
        if (parts > 1) {
            try {
                HeadObjectResponse first = source.headObject(HeadObjectRequest.builder().bucket(pair.source().bucket())
                        .key(job.key()).versionId(job.versionId()).ifMatch(quoted(etag)).partNumber(1).build());
                // Stores that ignore partNumber (S3Mock) answer with the whole object: then infer.
                if (first.partsCount() != null && first.partsCount() == parts && first.contentLength() < size
                        && first.contentLength() >= PartPlan.MIN_PART_SIZE && first.contentLength() <= ceiling
                        && PartPlan.withPartSize(size, first.contentLength()).partCount() == parts) {
                    layout[0] = Layout.SOURCE_CONFIRMED;
                    return PartPlan.withPartSize(size, first.contentLength());
                }
            } catch (S3Exception e) {
                if (S3Errors.isPreconditionFailed(e)) {
                    throw new SourceChangedException(job.key());
                }
                LOG.debug("HEAD partNumber=1 not supported here: {}", S3Errors.describe(e));
            }
            long guess = PartPlan.guessSourcePartSize(size, parts);
            if (guess > 0 && guess <= ceiling) {
                layout[0] = Layout.SOURCE_INFERRED;
                return PartPlan.withPartSize(size, guess);
            }
        }
        layout[0] = Layout.OWN;
        return PartPlan.forNewUpload(size, Math.min(preferredPartSize, ceiling));
    }

    /** A multipart upload carries no metadata by itself: everything is set here. */
    private CreateMultipartUploadRequest create(ReplicationPair pair, Job job, String destinationKey, String etag,
                                                HeadObjectResponse head) {
        Map<String, String> metadata = ObjectCopier.markers(pair, job, destinationKey, head.metadata(), etag,
                head.versionId(), head.lastModified());
        CreateMultipartUploadRequest.Builder create = CreateMultipartUploadRequest.builder()
                .bucket(pair.destination().bucket()).key(destinationKey)
                .contentType(head.contentType())
                .contentEncoding(head.contentEncoding())
                .contentLanguage(head.contentLanguage())
                .contentDisposition(head.contentDisposition())
                .cacheControl(head.cacheControl())
                .metadata(metadata);
        if (head.expiresString() != null) {
            create.overrideConfiguration(o -> o.putHeader("Expires", head.expiresString()));
        }
        List<Tag> tags = clients.sourceTags().toCopy(pair.id(), pair.source(), pair.destination(), job.key(),
                job.versionId(), head.tagCount());
        if (!tags.isEmpty()) {
            create.tagging(tags.stream().map(t -> encode(t.key()) + "=" + encode(t.value()))
                    .collect(Collectors.joining("&")));
        }
        return create.build();
    }

    /**
     * The upload a part job belongs to (an object fanned out across workers), as the worker that planned it
     * has it: the same pinned source version, part size, layout and destination condition.
     */
    public Upload partUpload(ReplicationPair pair, Job job) {
        Job.Part p = job.part();
        return new Upload(pair, job, p.sourceEtag(), pair.destinationKey(job.key()), p.uploadId(),
                PartPlan.withPartSize(p.objectSize(), p.partSize()), Layout.valueOf(p.layout()), new TreeMap<>(),
                p.sourceKms(), new DestinationPrecondition(p.destinationEtag(), false));
    }

    /** Part {@code number} of this upload as the job that moves it carries it. */
    static Job.Part part(Upload u, int number) {
        return new Job.Part(u.uploadId, u.sourceEtag, u.plan.objectSize(), u.plan.partSize(), number,
                u.plan.partCount(), u.layout.name(), u.sourceKms, u.expected.etag(), 0);
    }

    /**
     * The ETag of part {@code number} when the destination already holds it with the plan's size (sent by
     * a worker that stopped before recording it), else null: ListParts is the truth after a crash.
     */
    public String partAtDestination(Upload u, int number) {
        long length = u.plan.part(number).length();
        return destination(u.pair).listParts(b -> b.bucket(u.pair.destination().bucket()).key(u.destinationKey)
                        .uploadId(u.uploadId).partNumberMarker(number - 1).maxParts(1)).parts().stream()
                .filter(p -> p.partNumber() == number && p.size() == length)
                .map(p -> ListedObject.bareEtag(p.eTag())).findFirst().orElse(null);
    }

    /** The ETags of the parts the destination holds with the plan's sizes, by part number (ListParts, every page). */
    public SortedMap<Integer, String> partsAtDestination(Upload u) {
        SortedMap<Integer, String> present = new TreeMap<>();
        destination(u.pair).listPartsPaginator(ListPartsRequest.builder().bucket(u.pair.destination().bucket())
                .key(u.destinationKey).uploadId(u.uploadId).build()).parts().forEach(p -> {
                    if (p.partNumber() <= u.plan.partCount() && p.size() == u.plan.part(p.partNumber()).length()) {
                        present.put(p.partNumber(), ListedObject.bareEtag(p.eTag()));
                    }
                });
        return present;
    }

    /**
     * CompleteMultipartUpload found no such upload: it was completed by a worker that stopped before
     * recording so (then the destination holds its object: our size, our source-etag marker, and where
     * comparable the composite ETag of these parts) or aborted. The copy's outcome, or null when aborted.
     */
    public TransferOutcome completedEarlier(Upload u, Collection<String> partEtags) {
        S3Client destination = destination(u.pair);
        String bucket = u.pair.destination().bucket();
        HeadObjectResponse head = SourceAndDestination.head(destination, bucket, u.destinationKey, null);
        if (head == null || head.contentLength() != u.plan.objectSize() || !u.sourceEtag.equalsIgnoreCase(
                String.valueOf(ReplicaMarkers.sourceEtag(head.metadata(), bucket, u.destinationKey)))) {
            return null;
        }
        String written = ListedObject.bareEtag(head.eTag());
        if (!isKms(head.serverSideEncryption())
                && u.pair.destination().endpoint().effectiveCapabilities().multipartEtag() == MD5_OF_PARTS) {
            String composite = compositeEtag(partEtags);
            if (composite != null && !composite.equalsIgnoreCase(written)) {
                return null;
            }
        }
        checkpoints.forget(u.uploadId);
        return TransferOutcome.copied(u.plan.objectSize(), u.path(), u.sourceEtag, written);
    }

    /** Moves one part, retrying it alone on transient failures. */
    public CompletedPart copyPart(Upload upload, PartPlan.Part part) {
        String what = "part " + part.number() + "/" + upload.plan.partCount() + " of " + upload.job.key();
        String etag = retry.call(what, () -> upload.pair.serverSideCopy()
                ? copyPartServerSide(upload, part) : relayPart(upload, part));
        // No checkpoint row per part: ListParts at the destination is what a resume reads.
        RunStats stats = upload.job.runId() == null ? null : runs.get(upload.job.runId());
        if (stats != null) {
            stats.partBytes.add(part.length());
        }
        return CompletedPart.builder().partNumber(part.number()).eTag(etag).build();
    }

    private String copyPartServerSide(Upload u, PartPlan.Part part) {
        try {
            UploadPartCopyResponse r = destination(u.pair).uploadPartCopy(b -> b
                    .sourceBucket(u.pair.source().bucket()).sourceKey(u.job.key()).sourceVersionId(u.job.versionId())
                    .copySourceIfMatch(quoted(u.sourceEtag)).copySourceRange(part.range())
                    .destinationBucket(u.pair.destination().bucket()).destinationKey(u.destinationKey)
                    .uploadId(u.uploadId).partNumber(part.number()));
            return ListedObject.bareEtag(r.copyPartResult().eTag());
        } catch (S3Exception e) {
            throw S3Errors.isPreconditionFailed(e) ? new SourceChangedException(u.job.key()) : e;
        }
    }

    /** Ranged GET pinned to the source ETag, into one array (never disk), then UploadPart with Content-MD5. */
    private String relayPart(Upload u, PartPlan.Part part) {
        byte[] data;
        GetObjectRequest get = GetObjectRequest.builder().bucket(u.pair.source().bucket()).key(u.job.key())
                .versionId(u.job.versionId()).ifMatch(quoted(u.sourceEtag)).range(part.range()).build();
        try (ResponseInputStream<GetObjectResponse> in = source(u.pair).getObject(get)) {
            // Exactly one array of the part's size (readNBytes(int) would buffer the bytes twice).
            data = new byte[(int) part.length()];
            int read = in.readNBytes(data, 0, data.length);
            if (read != data.length) {
                throw new EOFException("source returned " + read + " of " + part.length() + " bytes");
            }
        } catch (S3Exception e) {
            throw S3Errors.isPreconditionFailed(e) || S3Errors.isNotFound(e) ? new SourceChangedException(u.job.key()) : e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading part " + part.number() + " of " + u.job.key() + " failed", e);
        }
        byte[] md5 = md5(data);
        UploadPartResponse r = destination(u.pair).uploadPart(b -> b.bucket(u.pair.destination().bucket())
                        .key(u.destinationKey).uploadId(u.uploadId).partNumber(part.number())
                        .contentLength(part.length()).contentMD5(Base64.getEncoder().encodeToString(md5)),
                // A content provider over our array: no copy, and a fresh stream for each SDK retry.
                RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data), part.length(),
                        "application/octet-stream"));
        String etag = ListedObject.bareEtag(r.eTag());
        String expected = HexFormat.of().formatHex(md5);
        if (!isKms(r.serverSideEncryption()) && !expected.equalsIgnoreCase(etag)) {
            throw new PartRetry.CorruptPartException("part " + part.number() + " of " + u.job.key()
                    + " arrived corrupt: destination ETag " + etag + ", sent MD5 " + expected);
        }
        return etag;
    }

    /**
     * Completes with all parts sorted by number, then checks size and ETag: the composite of the
     * part ETags where the destination's multipart ETags are S3's, the source ETag when the layouts
     * and both stores' ETag styles match. On mismatch the object is
     * removed so its source-etag marker never vouches for wrong bytes.
     */
    public TransferOutcome complete(Upload u, Collection<CompletedPart> moved) {
        SortedMap<Integer, String> parts = new TreeMap<>(u.resumed);
        moved.forEach(p -> parts.put(p.partNumber(), p.eTag()));
        if (parts.size() != u.plan.partCount()) {
            throw new TransferException("upload of " + u.job.key() + " has " + parts.size() + " of "
                    + u.plan.partCount() + " parts; will resume on the next run");
        }
        S3Client destination = destination(u.pair);
        String bucket = u.pair.destination().bucket();
        CompleteMultipartUploadResponse done = null;
        DestinationPrecondition expected = u.expected;
        for (int attempt = 0; done == null; attempt++) {
            DestinationPrecondition condition = expected;
            try {
                done = destination.completeMultipartUpload(b -> b.bucket(bucket)
                        .key(u.destinationKey).uploadId(u.uploadId)
                        .ifMatch(condition.ifMatch(u.pair)).ifNoneMatch(condition.ifNoneMatch(u.pair))
                        .multipartUpload(m -> m.parts(parts.entrySet().stream()
                                .map(e -> CompletedPart.builder().partNumber(e.getKey()).eTag(quoted(e.getValue())).build())
                                .toList())));
            } catch (S3Exception e) {
                if (!S3Errors.isPreconditionFailed(e)) {
                    throw e;
                }
                // An older copy of this pair's that landed meanwhile is written over; anything else is newer and stays.
                expected = attempt < 2 ? ObjectCopier.overOlderCopy(source(u.pair), destination, u.pair, u.job.key(),
                        u.destinationKey, u.sourceEtag) : null;
                if (expected == null) {
                    abort(u);
                    return ObjectCopier.afterDestinationChanged(destination, u.pair, u.destinationKey,
                            u.plan.objectSize(), u.sourceEtag);
                }
            }
        }
        checkpoints.forget(u.uploadId);
        String written = ListedObject.bareEtag(done.eTag());
        // Where a store's multipart ETags are not S3's (GCS), only the size is left to compare: each part was
        // sent with its Content-MD5, which the store checked, and a relayed part's ETag was its MD5.
        Capabilities sourceStyle = u.pair.source().endpoint().effectiveCapabilities();
        Capabilities destinationStyle = u.pair.destination().endpoint().effectiveCapabilities();
        HeadObjectResponse head = destination.headObject(b -> b.bucket(bucket).key(u.destinationKey));
        String problem = null;
        if (head.contentLength() != u.plan.objectSize()) {
            problem = "destination size " + head.contentLength() + " differs from source size " + u.plan.objectSize();
        } else if (!isKms(done.serverSideEncryption()) && destinationStyle.multipartEtag() == MD5_OF_PARTS) {
            String composite = compositeEtag(parts.values());
            if (composite != null && !composite.equalsIgnoreCase(written)) {
                problem = "destination ETag " + written + " differs from the composite of its parts " + composite;
            } else if (u.layout != Layout.OWN && !u.sourceKms && sourceStyle.multipartEtagsComparableWith(destinationStyle)
                    && !u.sourceEtag.equalsIgnoreCase(written)) {
                // The store holds exactly our parts (their composite is its ETag), each checked by MD5: only
                // the part boundaries differ from the source's, whose parts are not all one size (HEAD
                // partNumber=1 names the first only). Removing the copy would fail it on every run.
                LOG.info("{}: source parts are not all of the {} size ({} layout); ETags differ, parts verified by"
                        + " MD5", u.job.key(), Units.bytes(u.plan.partSize()), u.layout);
            }
        }
        if (problem != null) {
            destination.deleteObject(b -> b.bucket(bucket).key(u.destinationKey));
            throw new TransferException("integrity check failed: " + problem + " (destination object removed)");
        }
        return TransferOutcome.copied(u.plan.objectSize(), u.path(), u.sourceEtag, written);
    }

    /** Gives up an upload for good (its source version is gone). */
    public void abort(Upload u) {
        abortQuietly(destination(u.pair), u.pair.destination().bucket(), u.destinationKey, u.uploadId);
    }

    private void abortQuietly(S3Client destination, String bucket, String key, String uploadId) {
        try {
            destination.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (S3Exception e) {
            if (!S3Errors.isNotFound(e)) {
                throw e;
            }
        }
        checkpoints.forget(uploadId);
    }

    /** The source's current ETag and size after it changed, or null when it is gone. */
    /** The source object now (its current version), or null if it is gone. */
    public HeadObjectResponse currentSource(ReplicationPair pair, Job job) {
        return SourceAndDestination.head(source(pair), pair.source().bucket(), job.key(), null);
    }

    /** MD5 of the concatenated binary part MD5s, "-N": S3's ETag of a multipart object. */
    static String compositeEtag(Collection<String> partEtags) {
        MessageDigest digest = md5();
        for (String etag : partEtags) {
            if (!PLAIN_MD5.matcher(etag).matches()) {
                return null;
            }
            digest.update(HexFormat.of().parseHex(etag));
        }
        return HexFormat.of().formatHex(digest.digest()) + "-" + partEtags.size();
    }

    /** The part count a source ETag names, where the source's multipart ETags are S3's; else 0 (unknown). */
    private static int sourceParts(ReplicationPair pair, String etag) {
        return pair.source().endpoint().effectiveCapabilities().multipartEtag() == MD5_OF_PARTS
                ? sourceParts(etag) : 0;
    }

    static int sourceParts(String etag) {
        Matcher m = MULTIPART_ETAG.matcher(etag);
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private S3Client source(ReplicationPair pair) {
        return clients.client("source", pair.source().endpoint());
    }

    private S3Client destination(ReplicationPair pair) {
        return clients.client("destination", pair.destination().endpoint());
    }

    private static boolean isKms(ServerSideEncryption sse) {
        return sse == ServerSideEncryption.AWS_KMS || sse == ServerSideEncryption.AWS_KMS_DSSE;
    }

    private static byte[] md5(byte[] data) {
        MessageDigest digest = md5();
        digest.update(data);
        return digest.digest();
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String quoted(String etag) {
        return "\"" + etag + "\"";
    }
}
