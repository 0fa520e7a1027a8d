package io.s3replicator.testing;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.UploadPartCopyRequest;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store-behaviour fixture: an SDK interceptor (loaded by every client in the test JVM, see
 * software/amazon/awssdk/global/handlers/execution.interceptors) that makes S3Mock behave, per
 * bucket a test arms, like a store S3Mock is not. Unarmed buckets pass through untouched.
 *
 * <ul>
 *   <li>{@link #conditionalWrites}: AWS S3's conditional writes on PutObject, CompleteMultipartUpload
 *       and CopyObject ({@code If-Match} on the current ETag, {@code If-None-Match: *} for an absent key,
 *       else 412 PreconditionFailed; AWS documentation, "How to prevent object overwrites with
 *       conditional writes"). S3Mock 4.12 honours them on PutObject itself, not on the other two.</li>
 *   <li>{@link #ignoreConditionalWrites}: a store that ignores both headers on every write, as many
 *       S3-compatible stores do.</li>
 *   <li>{@link #kmsEtags}: objects encrypted with SSE-KMS. AWS documents that their ETag "is not an
 *       MD5 digest of their object data" (S3 API reference, Object, ETag): responses of the armed
 *       bucket report {@code x-amz-server-side-encryption: aws:kms} and an ETag that is not the MD5
 *       of the bytes; conditions sent back with that ETag are translated, as the real store
 *       accepts its own ETags.</li>
 *   <li>{@link #region}: the bucket lives in one AWS region. A request signed for another region (the
 *       region of the SigV4 credential scope in its Authorization header) is refused unsent with what
 *       AWS S3 answers: {@code 301 Moved Permanently}, error code {@code PermanentRedirect} and the
 *       header {@code x-amz-bucket-region}; a HEAD gets a bare 301 with that header and no error code,
 *       as a HEAD response has no body (S3 User Guide, "Request redirection and the REST API"; S3 API
 *       reference, "Error responses": PermanentRedirect, and HeadBucket, "x-amz-bucket-region"). A
 *       copy (CopyObject, UploadPartCopy) is addressed to its destination bucket: AWS copies across
 *       regions of one partition when the request goes to the destination's region (S3 API
 *       reference, CopyObject: "Both the Region that you want to copy the object from and the Region
 *       that you want to copy the object to must be enabled for your account").</li>
 *   <li>{@link #taggingCount}: GET and HEAD report {@code x-amz-tagging-count} as AWS S3 does, the number
 *       of tags when the object has any and no header when it has none (S3 API reference, GetObject
 *       and HeadObject, TagCount: "The number of tags, if any, on the object, when you have the
 *       relevant permission to read object tags"). S3Mock 4.12.4 never sends the header.</li>
 *   <li>{@link #noTagging}: a store without object tagging, or credentials without
 *       {@code s3:GetObjectTagging} / {@code s3:PutObjectTagging}: GetObjectTagging and PutObjectTagging
 *       answer {@code 501 NotImplemented} (S3 API reference, "Error responses": "A header you provided
 *       implies functionality that is not implemented"; what S3-compatible stores answer for an API
 *       they lack) or {@code 403 AccessDenied} (S3 API reference, GetObjectTagging: "you must have
 *       permission to perform the s3:GetObjectTagging action").</li>
 *   <li>{@link #uppercaseEtags}: every ETag the bucket reports is upper-case hex, as Aliyun OSS reports
 *       them (OSS API reference, "Common response headers": ETag "5B3C1A2E053D763E1B002CC607C5A0FE1****";
 *       and HeadObject / ListObjects examples). HTTP says an entity tag is an opaque string, so a client
 *       may only compare it with the store's own, which S3 clients do case-insensitively for hex. The
 *       store accepts its own ETags back in conditions (translated for the emulator).</li>
 *   <li>{@link #gcsMultipartEtags}: Google Cloud Storage's XML API: "An object created from a multipart
 *       upload has a CRC32c hash, but not an MD5 hash, and the object's ETag is not based on an MD5
 *       hash" (Cloud Storage XML API, "POST object (complete multipart upload)"). Objects the emulator
 *       assembled from parts report an ETag of S3's shape (32 hex digits, "-N") that is not the MD5 of
 *       the part MD5s, the worst case: nothing tells it apart by looking. Parts and single PUTs keep
 *       their MD5 ETags, as GCS documents an MD5 for objects uploaded in one request.</li>
 *   <li>{@link #archive}: archived objects. GetObject of an object in {@code GLACIER} or {@code DEEP_ARCHIVE},
 *       or in an archive tier of {@code INTELLIGENT_TIERING} ({@link #archiveTier}; HEAD reports its
 *       {@code x-amz-archive-status}), answers {@code 403 InvalidObjectState}, and so does a copy from it
 *       (S3 API reference, GetObject: "If the object you are retrieving is stored in the S3 Glacier
 *       Flexible Retrieval storage class, the S3 Glacier Deep Archive storage class, the S3
 *       Intelligent-Tiering Archive Access tier, or the S3 Intelligent-Tiering Deep Archive Access tier,
 *       before you can retrieve the object you must first restore a copy using RestoreObject. Otherwise,
 *       this operation returns an InvalidObjectState error"; CopyObject likewise). RestoreObject starts a
 *       restore (HEAD: {@code x-amz-restore: ongoing-request="true"}; a second request while it runs gets
 *       409 RestoreAlreadyInProgress); {@link #completeRestores} finishes them, after which the object
 *       reads and HEAD says {@code ongoing-request="false", expiry-date=...} (S3 API reference,
 *       RestoreObject and HeadObject, x-amz-restore).</li>
 *   <li>{@link #unsorted}: ListObjectsV2 returns the bucket's keys in no particular order, shuffled across
 *       pages, as S3 Express One Zone directory buckets do ("Directory buckets - For directory buckets,
 *       ListObjectsV2 response includes the prefixes that are related only to in-progress multipart
 *       uploads... results might not be in lexicographical order", S3 API reference, ListObjectsV2)
 *       and some S3-compatible stores. A worker process arms it with
 *       {@code -Ds3replicator.test.unsorted=BUCKET,...}. With the delimiter {@code /} deeper keys come back
 *       as their folders (CommonPrefixes, all on the first page). Keys are served as listed by a plain client:
 *       tests use keys without characters that URL encoding changes.</li>
 *   <li>{@link #storm}: throttling. Of every {@code burst + calm} requests to the bucket the first
 *       {@code burst} fail, a burst of {@code 503 SlowDown} ("Please reduce your request rate", S3 API
 *       reference, "Error responses"; S3 User Guide, "Best practices design patterns: optimizing Amazon
 *       S3 performance": "applications can receive HTTP 503 slowdown responses" while S3 scales) and the
 *       next of connection resets, in turn. {@link #resetBodies}: every {@code nth} GET's body breaks off
 *       half-way with "Connection reset", as a dropped connection does mid-download.</li>
 *   <li>{@link #partNumbers}: HEAD with {@code partNumber} answers for that part of a multipart object, as
 *       AWS S3 does: its Content-Length and {@code x-amz-mp-parts-count} (S3 API reference, HeadObject,
 *       partNumber: "Part number of the object being read... Useful querying about the size of the part
 *       and the number of parts in this object"). S3Mock 4.12.4 ignores partNumber. Part sizes are those
 *       of the UploadParts the bucket received.</li>
 * </ul>
 *
 * <p>In armed buckets it also corrects an S3Mock 4.12.4 quirk: AbortMultipartUpload deletes the
 * object stored at the upload's key, where AWS S3 leaves it alone.
 */
public class StoreBehaviour implements ExecutionInterceptor {
    private static final Set<String> CONDITIONAL = ConcurrentHashMap.newKeySet();
    private static final Set<String> IGNORES_CONDITIONS = ConcurrentHashMap.newKeySet();
    private static final Set<String> KMS = ConcurrentHashMap.newKeySet();
    /** KMS-style ETag -> the emulator's real one. */
    private static final Map<String, String> KMS_TO_REAL = new ConcurrentHashMap<>();
    private static final Map<String, S3Client> PLAIN_CLIENTS = new ConcurrentHashMap<>();
    /** bucket -> the AWS region it lives in. */
    private static final Map<String, String> REGIONS = new ConcurrentHashMap<>();
    private static final Set<String> TAGGING_COUNT = ConcurrentHashMap.newKeySet();
    private static final Set<String> UPPERCASE = ConcurrentHashMap.newKeySet();
    private static final Set<String> PART_NUMBERS = ConcurrentHashMap.newKeySet();
    /** "uploadId partNumber" -> bytes of an UploadPart; "bucket/key" -> the part sizes of a completed upload. */
    private static final Map<String, Long> UPLOADED_PARTS = new ConcurrentHashMap<>();
    private static final Map<String, List<Long>> PART_SIZES = new ConcurrentHashMap<>();
    /** bucket -> {burst, calm}; and the bucket's request counter. */
    private static final Map<String, int[]> STORMS = new ConcurrentHashMap<>();
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> STORM_COUNT = new ConcurrentHashMap<>();
    /** bucket -> every how many GETs a body breaks off; and the bucket's GET counter. */
    private static final Map<String, Integer> BODY_RESETS = new ConcurrentHashMap<>();
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> GET_COUNT = new ConcurrentHashMap<>();
    private static final Set<String> UNSORTED = ConcurrentHashMap.newKeySet();
    /** Listing id -> the whole shuffled listing, served a page at a time. */
    private static final Map<String, List<software.amazon.awssdk.services.s3.model.S3Object>> SHUFFLED =
            new ConcurrentHashMap<>();
    /** Listing id -> the folders of a delimited listing, all served on its first page. */
    private static final Map<String, List<software.amazon.awssdk.services.s3.model.CommonPrefix>> SHUFFLED_FOLDERS =
            new ConcurrentHashMap<>();
    /** First-page token -> the prefix listed: the whole listing is fetched when its response arrives. */
    private static final Map<String, String> UNSORTED_FIRST = new ConcurrentHashMap<>();
    private static final ThreadLocal<Boolean> FIXTURE_LISTING = ThreadLocal.withInitial(() -> false);
    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<String> PAGE =
            new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("StoreBehaviourUnsortedPage");

    static {
        for (String bucket : System.getProperty("s3replicator.test.unsorted", "").split(",")) {
            if (!bucket.isBlank()) {
                UNSORTED.add(bucket.strip());
            }
        }
    }
    private static final Set<String> ARCHIVE = ConcurrentHashMap.newKeySet();
    /** "bucket/key" -> the Intelligent-Tiering archive tier the object sits in. */
    private static final Map<String, String> ARCHIVE_TIERS = new ConcurrentHashMap<>();
    /** "bucket/key" -> the RestoreObject request of a restore (running, or finished when in RESTORED). */
    private static final Map<String, software.amazon.awssdk.services.s3.model.RestoreRequest> RESTORES =
            new ConcurrentHashMap<>();
    private static final Set<String> RESTORED = ConcurrentHashMap.newKeySet();
    private static final Set<String> GCS_MULTIPART = ConcurrentHashMap.newKeySet();
    /** GCS-style multipart ETag -> the emulator's real one. */
    private static final Map<String, String> GCS_TO_REAL = new ConcurrentHashMap<>();
    private static final Pattern MULTIPART_ETAG = Pattern.compile("[0-9a-f]{32}-(\\d+)");
    /** bucket -> the status its tagging operations answer: 501 NotImplemented or 403 AccessDenied. */
    private static final Map<String, Integer> NO_TAGGING = new ConcurrentHashMap<>();
    private static final Pattern SCOPE_REGION = Pattern.compile("Credential=[^/]+/\\d{8}/([^/]+)/s3/aws4_request");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /**
     * "bucket operation" -> requests the fixture refused (redirected, tagging refused). Counted here
     * because the SDK runs global interceptors in no set order: FaultInjector may never see them.
     */
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> REFUSED = new ConcurrentHashMap<>();

    public static void conditionalWrites(String bucket) {
        CONDITIONAL.add(bucket);
    }

    public static void ignoreConditionalWrites(String bucket) {
        IGNORES_CONDITIONS.add(bucket);
    }

    public static void kmsEtags(String bucket) {
        KMS.add(bucket);
    }

    /** The bucket lives in {@code region}: requests signed for any other get 301 PermanentRedirect. */
    public static void region(String bucket, String region) {
        REGIONS.put(bucket, region);
    }

    /** GET / HEAD of the bucket's objects carry x-amz-tagging-count when, and only when, they have tags. */
    public static void taggingCount(String bucket) {
        TAGGING_COUNT.add(bucket);
    }

    /** Get/PutObjectTagging on the bucket answer {@code status}: 501 NotImplemented or 403 AccessDenied. */
    public static void noTagging(String bucket, int status) {
        if (status != 501 && status != 403) {
            throw new IllegalArgumentException("no tagging answers 501 or 403, not " + status);
        }
        NO_TAGGING.put(bucket, status);
    }

    /** The bucket reports upper-case hex ETags (Aliyun OSS). */
    public static void uppercaseEtags(String bucket) {
        UPPERCASE.add(bucket);
    }

    /** Objects the bucket assembles from parts report an ETag that is not the MD5 of the part MD5s (GCS). */
    public static void gcsMultipartEtags(String bucket) {
        GCS_MULTIPART.add(bucket);
    }

    /** GET of the bucket's archived objects (GLACIER, DEEP_ARCHIVE, archive tiers) answers 403 InvalidObjectState. */
    public static void archive(String bucket) {
        ARCHIVE.add(bucket);
    }

    /** The INTELLIGENT_TIERING object is in {@code tier}: ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS. */
    public static void archiveTier(String bucket, String key, String tier) {
        ARCHIVE_TIERS.put(bucket + "/" + key, tier);
    }

    /** The RestoreObject requests the bucket received, by key. */
    public static Map<String, software.amazon.awssdk.services.s3.model.RestoreRequest> restores(String bucket) {
        Map<String, software.amazon.awssdk.services.s3.model.RestoreRequest> found = new java.util.TreeMap<>();
        RESTORES.forEach((k, v) -> {
            if (k.startsWith(bucket + "/")) {
                found.put(k.substring(bucket.length() + 1), v);
            }
        });
        return found;
    }

    /** Every restore the bucket is running finishes: the objects read until reset. */
    public static void completeRestores(String bucket) {
        RESTORES.keySet().stream().filter(k -> k.startsWith(bucket + "/")).forEach(RESTORED::add);
    }

    /** ListObjectsV2 of the bucket answers in no particular order (a seeded shuffle across pages). */
    public static void unsorted(String bucket) {
        UNSORTED.add(bucket);
    }

    /** Of every {@code burst + calm} requests to the bucket, the first {@code burst} fail (503 SlowDown or a reset). */
    public static void storm(String bucket, int burst, int calm) {
        STORMS.put(bucket, new int[] {burst, calm});
        STORM_COUNT.put(bucket, new java.util.concurrent.atomic.AtomicInteger());
    }

    /** Every {@code nth} GET of the bucket's objects loses its connection half-way through the body. */
    public static void resetBodies(String bucket, int nth) {
        BODY_RESETS.put(bucket, nth);
        GET_COUNT.put(bucket, new java.util.concurrent.atomic.AtomicInteger());
    }

    /** HEAD with partNumber answers for that part of the bucket's multipart objects. */
    public static void partNumbers(String bucket) {
        PART_NUMBERS.add(bucket);
    }

    public static void reset(String bucket) {
        PART_NUMBERS.remove(bucket);
        PART_SIZES.keySet().removeIf(k -> k.startsWith(bucket + "/"));
        STORMS.remove(bucket);
        STORM_COUNT.remove(bucket);
        BODY_RESETS.remove(bucket);
        GET_COUNT.remove(bucket);
        UNSORTED.remove(bucket);
        ARCHIVE.remove(bucket);
        ARCHIVE_TIERS.keySet().removeIf(k -> k.startsWith(bucket + "/"));
        RESTORES.keySet().removeIf(k -> k.startsWith(bucket + "/"));
        RESTORED.removeIf(k -> k.startsWith(bucket + "/"));
        UPPERCASE.remove(bucket);
        GCS_MULTIPART.remove(bucket);
        CONDITIONAL.remove(bucket);
        IGNORES_CONDITIONS.remove(bucket);
        KMS.remove(bucket);
        REGIONS.remove(bucket);
        TAGGING_COUNT.remove(bucket);
        NO_TAGGING.remove(bucket);
        REFUSED.keySet().removeIf(k -> k.startsWith(bucket + " "));
    }

    /** How many {@code operation} requests to {@code bucket} the fixture refused (301, no tagging). */
    public static int refused(String bucket, String operation) {
        var n = REFUSED.get(bucket + " " + operation);
        return n == null ? 0 : n.get();
    }

    private static void countRefusal(String bucket, ExecutionAttributes attributes) {
        REFUSED.computeIfAbsent(bucket + " " + attributes.getAttribute(
                software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME),
                k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
    }

    /** The ETag the armed bucket reports for an object whose emulator ETag is {@code real} (quoted or not). */
    public static String kmsEtag(String real) {
        String bare = real.replace("\"", "");
        try {
            String fake = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(("kms:" + bare).getBytes(StandardCharsets.UTF_8)));
            KMS_TO_REAL.put(fake, bare);
            return fake;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ETag the GCS-style bucket reports for a multipart object whose emulator ETag is {@code real}. */
    public static String gcsEtag(String real) {
        String bare = real.replace("\"", "");
        Matcher m = MULTIPART_ETAG.matcher(bare);
        if (!m.matches()) {
            return bare;
        }
        try {
            String fake = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(("gcs:" + bare).getBytes(StandardCharsets.UTF_8))) + "-" + m.group(1);
            GCS_TO_REAL.put(fake, bare);
            return fake;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An ETag as the armed bucket reports it (quoted as it came), for the emulator's {@code etag}. */
    private static String reported(String bucket, String etag) {
        if (etag == null || bucket == null) {
            return etag;
        }
        if (UPPERCASE.contains(bucket)) {
            return etag.toUpperCase(java.util.Locale.ROOT);
        }
        if (GCS_MULTIPART.contains(bucket)) {
            String bare = etag.replace("\"", "");
            String fake = gcsEtag(bare);
            return fake.equals(bare) ? etag : quoted(fake);
        }
        return etag;
    }

    /** An ETag the client sends back (a condition, a part list) as the emulator knows it. */
    private static String realEtag(String bucket, String etag) {
        if (etag == null || bucket == null || "*".equals(etag)) {
            return etag;
        }
        if (UPPERCASE.contains(bucket)) {
            return etag.toLowerCase(java.util.Locale.ROOT);
        }
        if (GCS_MULTIPART.contains(bucket)) {
            String bare = etag.replace("\"", "");
            String real = GCS_TO_REAL.get(bare);
            return real == null ? etag : quoted(real);
        }
        return etag;
    }

    private static boolean styled(String bucket) {
        return bucket != null && (UPPERCASE.contains(bucket) || GCS_MULTIPART.contains(bucket));
    }

    /** Conditions and part lists sent to a bucket with an ETag style, translated back for the emulator. */
    private static SdkRequest withRealEtags(SdkRequest request) {
        if (request instanceof GetObjectRequest r && styled(r.bucket())) {
            return r.toBuilder().ifMatch(realEtag(r.bucket(), r.ifMatch()))
                    .ifNoneMatch(realEtag(r.bucket(), r.ifNoneMatch())).build();
        }
        if (request instanceof HeadObjectRequest r && styled(r.bucket())) {
            return r.toBuilder().ifMatch(realEtag(r.bucket(), r.ifMatch()))
                    .ifNoneMatch(realEtag(r.bucket(), r.ifNoneMatch())).build();
        }
        if (request instanceof software.amazon.awssdk.services.s3.model.PutObjectRequest r && styled(r.bucket())) {
            return r.toBuilder().ifMatch(realEtag(r.bucket(), r.ifMatch())).build();
        }
        if (request instanceof CopyObjectRequest r && (styled(sourceBucket(r)) || styled(r.destinationBucket()))) {
            return r.toBuilder().copySourceIfMatch(realEtag(sourceBucket(r), r.copySourceIfMatch()))
                    .ifMatch(realEtag(r.destinationBucket(), r.ifMatch())).build();
        }
        if (request instanceof UploadPartCopyRequest r) {
            String from = r.sourceBucket() != null ? r.sourceBucket() : bucketOfCopySource(r.copySource());
            if (styled(from)) {
                return r.toBuilder().copySourceIfMatch(realEtag(from, r.copySourceIfMatch())).build();
            }
        }
        if (request instanceof CompleteMultipartUploadRequest r && styled(r.bucket())) {
            var builder = r.toBuilder().ifMatch(realEtag(r.bucket(), r.ifMatch()));
            if (r.multipartUpload() != null && r.multipartUpload().parts() != null) {
                builder.multipartUpload(m -> m.parts(r.multipartUpload().parts().stream()
                        .map(p -> p.toBuilder().eTag(realEtag(r.bucket(), p.eTag())).build()).toList()));
            }
            return builder.build();
        }
        return request;
    }

    /** Every ETag in a response of a bucket with an ETag style, as that store reports it. */
    private static SdkResponse withReportedEtags(String bucket, SdkResponse response) {
        if (!styled(bucket)) {
            return response;
        }
        if (response instanceof HeadObjectResponse r) {
            return r.toBuilder().eTag(reported(bucket, r.eTag())).build();
        }
        if (response instanceof GetObjectResponse r) {
            return r.toBuilder().eTag(reported(bucket, r.eTag())).build();
        }
        if (response instanceof ListObjectsV2Response r) {
            return r.toBuilder().contents(r.contents().stream()
                    .map(o -> o.toBuilder().eTag(reported(bucket, o.eTag())).build()).toList()).build();
        }
        if (response instanceof software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse r) {
            return r.toBuilder().versions(r.versions().stream()
                    .map(o -> o.toBuilder().eTag(reported(bucket, o.eTag())).build()).toList()).build();
        }
        if (response instanceof software.amazon.awssdk.services.s3.model.PutObjectResponse r) {
            return r.toBuilder().eTag(reported(bucket, r.eTag())).build();
        }
        if (response instanceof CopyObjectResponse r && r.copyObjectResult() != null) {
            return r.toBuilder().copyObjectResult(r.copyObjectResult().toBuilder()
                    .eTag(reported(bucket, r.copyObjectResult().eTag())).build()).build();
        }
        if (response instanceof software.amazon.awssdk.services.s3.model.UploadPartResponse r) {
            return r.toBuilder().eTag(reported(bucket, r.eTag())).build();
        }
        if (response instanceof software.amazon.awssdk.services.s3.model.UploadPartCopyResponse r
                && r.copyPartResult() != null) {
            return r.toBuilder().copyPartResult(r.copyPartResult().toBuilder()
                    .eTag(reported(bucket, r.copyPartResult().eTag())).build()).build();
        }
        if (response instanceof software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse r) {
            return r.toBuilder().eTag(reported(bucket, r.eTag())).build();
        }
        if (response instanceof software.amazon.awssdk.services.s3.model.ListPartsResponse r) {
            return r.toBuilder().parts(r.parts().stream()
                    .map(p -> p.toBuilder().eTag(reported(bucket, p.eTag())).build()).toList()).build();
        }
        return response;
    }

    /**
     * An unsorted listing's first page lists the whole prefix with a plain client and shuffles it; every
     * page, the first included, is then served from that list. A later page's request is sent as a cheap
     * one-key listing, the fixture's continuation token meaning nothing to the emulator.
     */
    private static SdkRequest unsortedPage(SdkRequest request, ExecutionAttributes attributes) {
        if (!(request instanceof software.amazon.awssdk.services.s3.model.ListObjectsV2Request r)
                || !UNSORTED.contains(r.bucket()) || FIXTURE_LISTING.get()) {
            return request;
        }
        int pageSize = r.maxKeys() == null ? 1000 : r.maxKeys();
        String token = r.continuationToken();
        if (token == null || !token.startsWith("unsorted:")) {
            token = "unsorted:" + java.util.UUID.randomUUID() + ":0";
            UNSORTED_FIRST.put(token, r.prefix() == null ? "" : r.prefix());
        }
        attributes.putAttribute(PAGE, token + ":" + pageSize);
        return r.toBuilder().continuationToken(null).startAfter(null).maxKeys(1).build();
    }

    private static SdkResponse servedPage(Context.ModifyResponse context, ExecutionAttributes attributes) {
        String page = attributes.getAttribute(PAGE);
        if (page == null || !(context.response() instanceof ListObjectsV2Response r)) {
            return context.response();
        }
        String[] parts = page.split(":");
        String first = UNSORTED_FIRST.remove(parts[0] + ":" + parts[1] + ":" + parts[2]);
        if (first != null) {
            SdkHttpRequest http = context.httpRequest();
            S3Client plain = PLAIN_CLIENTS.computeIfAbsent(http.protocol() + "://" + http.host() + ":" + http.port(),
                    S3MockServers::client);
            String bucket = ((software.amazon.awssdk.services.s3.model.ListObjectsV2Request) context.request()).bucket();
            List<software.amazon.awssdk.services.s3.model.S3Object> all = new java.util.ArrayList<>();
            FIXTURE_LISTING.set(true);
            try {
                plain.listObjectsV2Paginator(l -> l.bucket(bucket).prefix(first.isEmpty() ? null : first))
                        .contents().forEach(all::add);
            } finally {
                FIXTURE_LISTING.set(false);
            }
            // With the delimiter "/" (the only one directory buckets take), keys below a further "/" are
            // folded into their folders, as CommonPrefixes; the folders all come on the first page.
            String delimiter = ((software.amazon.awssdk.services.s3.model.ListObjectsV2Request) context.request())
                    .delimiter();
            List<software.amazon.awssdk.services.s3.model.CommonPrefix> folders = new java.util.ArrayList<>();
            if (delimiter != null) {
                java.util.Set<String> seen = new java.util.LinkedHashSet<>();
                all.removeIf(o -> {
                    int at = o.key().indexOf(delimiter, first.length());
                    if (at < 0) {
                        return false;
                    }
                    seen.add(o.key().substring(0, at + delimiter.length()));
                    return true;
                });
                seen.forEach(f -> folders.add(software.amazon.awssdk.services.s3.model.CommonPrefix.builder().prefix(f)
                        .build()));
            }
            // Seeded by the bucket's name without its random suffix: the same order in every run of a test.
            java.util.Random seed = new java.util.Random(bucket.replaceAll("-[0-9a-f]{8}$", "").hashCode());
            java.util.Collections.shuffle(all, seed);
            java.util.Collections.shuffle(folders, seed);
            SHUFFLED.put(parts[1], all);
            SHUFFLED_FOLDERS.put(parts[1], folders);
        }
        List<software.amazon.awssdk.services.s3.model.S3Object> all = SHUFFLED.get(parts[1]);
        List<software.amazon.awssdk.services.s3.model.CommonPrefix> folders = SHUFFLED_FOLDERS.remove(parts[1]);
        int from = Integer.parseInt(parts[2]);
        int size = Integer.parseInt(parts[3]);
        int to = Math.min(all.size(), from + size);
        boolean more = to < all.size();
        if (!more) {
            SHUFFLED.remove(parts[1]);
        }
        return r.toBuilder().contents(all.subList(from, to)).commonPrefixes(folders == null ? List.of() : folders)
                .keyCount(to - from).isTruncated(more)
                .nextContinuationToken(more ? "unsorted:" + parts[1] + ":" + to : null).build();
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = unsortedPage(withRealEtags(context.request()), attributes);
        if (request instanceof GetObjectRequest r && armed(KMS, r.bucket()) && r.ifMatch() != null) {
            return r.toBuilder().ifMatch(real(r.ifMatch())).build();
        }
        if (request instanceof HeadObjectRequest r && armed(KMS, r.bucket()) && r.ifMatch() != null) {
            return r.toBuilder().ifMatch(real(r.ifMatch())).build();
        }
        if (request instanceof CopyObjectRequest r && armed(KMS, sourceBucket(r)) && r.copySourceIfMatch() != null) {
            return r.toBuilder().copySourceIfMatch(real(r.copySourceIfMatch())).build();
        }
        if (request instanceof UploadPartCopyRequest r && armed(KMS, r.sourceBucket() != null ? r.sourceBucket()
                : bucketOfCopySource(r.copySource()))
                && r.copySourceIfMatch() != null) {
            return r.toBuilder().copySourceIfMatch(real(r.copySourceIfMatch())).build();
        }
        return request;
    }

    private static final software.amazon.awssdk.core.interceptor.ExecutionAttribute<Runnable> RESTORE =
            new software.amazon.awssdk.core.interceptor.ExecutionAttribute<>("StoreBehaviourRestore");

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (!(context.request() instanceof software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest r)
                || !armed(CONDITIONAL, r.bucket())) {
            return;
        }
        // Bucket names are unique across both emulators: the one that has the bucket answers.
        for (String endpoint : new String[] {S3MockServers.sourceEndpoint(), S3MockServers.destinationEndpoint()}) {
            S3Client s3 = PLAIN_CLIENTS.computeIfAbsent(endpoint, S3MockServers::client);
            try {
                var object = s3.getObjectAsBytes(b -> b.bucket(r.bucket()).key(r.key()));
                var meta = object.response();
                attributes.putAttribute(RESTORE, () -> s3.putObject(p -> p.bucket(r.bucket()).key(r.key())
                                .contentType(meta.contentType()).metadata(meta.metadata()),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(object.asByteArray())));
                return;
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Runnable restore = attributes.getAttribute(RESTORE);
        if (restore != null) {
            restore.run();
        }
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        refuseOtherRegions(context.request(), context.httpRequest(), attributes);
        refuseTagging(context.request(), attributes);
        refuseUnmetConditions(context);
        refuseArchived(context.request(), context.httpRequest(), attributes);
        storm(bucket(context.request()), attributes);
        recordParts(context.request());
    }

    /** Signed after the SDK's signing stage: the Authorization header holds the credential scope. */
    private static void refuseOtherRegions(SdkRequest request, SdkHttpRequest http, ExecutionAttributes attributes) {
        String bucket = bucket(request);
        String home = bucket == null ? null : REGIONS.get(bucket);
        if (home == null) {
            return;
        }
        String signed = http.firstMatchingHeader("Authorization").map(SCOPE_REGION::matcher)
                .filter(Matcher::find).map(m -> m.group(1)).orElse(null);
        if (home.equals(signed)) {
            return;
        }
        countRefusal(bucket, attributes);
        boolean head = request instanceof HeadObjectRequest || request instanceof HeadBucketRequest;
        SdkHttpResponse response = SdkHttpResponse.builder().statusCode(301).statusText("Moved Permanently")
                .putHeader("x-amz-bucket-region", home).build();
        String message = "The bucket you are attempting to access must be addressed using the specified endpoint."
                + " Please send all future requests to this endpoint.";
        AwsErrorDetails.Builder details = AwsErrorDetails.builder().serviceName("S3").sdkHttpResponse(response);
        if (!head) {
            details.errorCode("PermanentRedirect").errorMessage(message);
        }
        throw (S3Exception) S3Exception.builder().statusCode(301).message(head ? null : message)
                .awsErrorDetails(details.build()).build();
    }

    private static void recordParts(SdkRequest request) {
        if (request instanceof software.amazon.awssdk.services.s3.model.UploadPartRequest r
                && armed(PART_NUMBERS, r.bucket()) && r.contentLength() != null) {
            UPLOADED_PARTS.put(r.uploadId() + " " + r.partNumber(), r.contentLength());
        } else if (request instanceof CompleteMultipartUploadRequest r && armed(PART_NUMBERS, r.bucket())) {
            PART_SIZES.put(r.bucket() + "/" + r.key(), r.multipartUpload().parts().stream()
                    .map(p -> UPLOADED_PARTS.getOrDefault(r.uploadId() + " " + p.partNumber(), -1L)).toList());
        }
    }

    private static void storm(String bucket, ExecutionAttributes attributes) {
        int[] storm = bucket == null ? null : STORMS.get(bucket);
        if (storm == null) {
            return;
        }
        int n = STORM_COUNT.get(bucket).getAndIncrement();
        int cycle = storm[0] + storm[1];
        if (n % cycle >= storm[0]) {
            return;
        }
        countRefusal(bucket, attributes);
        if ((n / cycle) % 2 == 0) {
            throw error(503, "SlowDown", "Please reduce your request rate.");
        }
        throw software.amazon.awssdk.core.exception.SdkClientException.builder().message("Unable to execute HTTP"
                + " request: Connection reset").cause(new java.net.SocketException("Connection reset")).build();
    }

    @Override
    public java.util.Optional<java.io.InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
                                                                           ExecutionAttributes attributes) {
        String bucket = bucket(context.request());
        Integer nth = bucket == null ? null : BODY_RESETS.get(bucket);
        if (nth == null || !(context.request() instanceof GetObjectRequest) || context.responseBody().isEmpty()
                || context.httpResponse().statusCode() >= 300
                || (GET_COUNT.get(bucket).incrementAndGet() % nth) != 0) {
            return context.responseBody();
        }
        countRefusal(bucket, attributes);
        long length = context.httpResponse().firstMatchingHeader("Content-Length").map(Long::parseLong).orElse(2L);
        java.io.InputStream body = context.responseBody().get();
        return java.util.Optional.of(new java.io.FilterInputStream(body) {
            private long left = Math.max(1, length / 2);

            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (left <= 0) {
                    throw new java.net.SocketException("Connection reset");
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        });
    }

    /** GET of an archived object, or a copy from one, that is not restored: 403 InvalidObjectState. */
    private static void refuseArchived(SdkRequest request, SdkHttpRequest http, ExecutionAttributes attributes) {
        String bucket;
        String key;
        if (request instanceof GetObjectRequest r) {
            bucket = r.bucket();
            key = r.key();
        } else if (request instanceof CopyObjectRequest r) {
            bucket = sourceBucket(r);
            key = r.sourceKey() != null ? r.sourceKey() : keyOfCopySource(r.copySource());
        } else if (request instanceof UploadPartCopyRequest r) {
            bucket = r.sourceBucket() != null ? r.sourceBucket() : bucketOfCopySource(r.copySource());
            key = r.sourceKey() != null ? r.sourceKey() : keyOfCopySource(r.copySource());
        } else if (request instanceof software.amazon.awssdk.services.s3.model.RestoreObjectRequest r
                && armed(ARCHIVE, r.bucket())) {
            String id = r.bucket() + "/" + r.key();
            if (RESTORES.containsKey(id) && !RESTORED.contains(id)) {
                throw error(409, "RestoreAlreadyInProgress", "Object restore is already in progress");
            }
            RESTORES.put(id, r.restoreRequest());
            RESTORED.remove(id);
            return;
        } else {
            return;
        }
        if (!armed(ARCHIVE, bucket) || !archived(http, bucket, key)) {
            return;
        }
        countRefusal(bucket, attributes);
        throw error(403, "InvalidObjectState", "The operation is not valid for the object's storage class");
    }

    private static boolean archived(SdkHttpRequest http, String bucket, String key) {
        String id = bucket + "/" + key;
        if (RESTORED.contains(id)) {
            return false;
        }
        if (ARCHIVE_TIERS.containsKey(id)) {
            return true;
        }
        String storageClass = rawHead(http, bucket, key).firstValue("x-amz-storage-class").orElse("STANDARD");
        return storageClass.equals("GLACIER") || storageClass.equals("DEEP_ARCHIVE");
    }

    private static S3Exception error(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("S3").errorCode(code).errorMessage(message)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build())
                .build();
    }

    /** The emulator's headers for an object, over plain HTTP so that no SDK request is counted. */
    private static java.net.http.HttpHeaders rawHead(SdkHttpRequest http, String bucket, String key) {
        URI uri = URI.create(http.protocol() + "://" + http.host() + ":" + http.port() + objectPath(bucket, key));
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.discarding()).headers();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String objectPath(String bucket, String key) {
        StringBuilder path = new StringBuilder("/").append(bucket);
        for (String segment : key.split("/", -1)) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    private static String keyOfCopySource(String copySource) {
        String decoded = java.net.URLDecoder.decode(copySource.split("\\?versionId=")[0], StandardCharsets.UTF_8);
        String bare = decoded.startsWith("/") ? decoded.substring(1) : decoded;
        return bare.substring(bare.indexOf('/') + 1);
    }

    private static void refuseTagging(SdkRequest request, ExecutionAttributes attributes) {
        if (!(request instanceof GetObjectTaggingRequest || request instanceof PutObjectTaggingRequest)) {
            return;
        }
        String bucket = bucket(request);
        Integer status = NO_TAGGING.get(bucket);
        if (status == null) {
            return;
        }
        countRefusal(bucket, attributes);
        String code = status == 501 ? "NotImplemented" : "AccessDenied";
        String message = status == 501 ? "A header you provided implies functionality that is not implemented"
                : "Access Denied";
        throw (S3Exception) S3Exception.builder().statusCode(status).message(message)
                .awsErrorDetails(AwsErrorDetails.builder().serviceName("S3").errorCode(code).errorMessage(message)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build())
                .build();
    }

    private static void refuseUnmetConditions(Context.BeforeTransmission context) {
        SdkRequest request = context.request();
        String ifMatch;
        String ifNoneMatch;
        String bucket;
        String key;
        if (request instanceof software.amazon.awssdk.services.s3.model.PutObjectRequest r) {
            bucket = r.bucket();
            key = r.key();
            ifMatch = r.ifMatch();
            ifNoneMatch = r.ifNoneMatch();
        } else if (request instanceof CompleteMultipartUploadRequest r) {
            bucket = r.bucket();
            key = r.key();
            ifMatch = r.ifMatch();
            ifNoneMatch = r.ifNoneMatch();
        } else if (request instanceof CopyObjectRequest r) {
            bucket = r.destinationBucket();
            key = r.destinationKey();
            ifMatch = r.ifMatch();
            ifNoneMatch = r.ifNoneMatch();
        } else {
            return;
        }
        if (!armed(CONDITIONAL, bucket) || (ifMatch == null && ifNoneMatch == null)) {
            return;
        }
        String current = currentEtag(context.httpRequest(), bucket, key);
        boolean refused = ifNoneMatch != null ? current != null
                : current == null || !ifMatch.replace("\"", "").equals(current);
        if (refused) {
            throw (S3Exception) S3Exception.builder().statusCode(412).message("At least one of the pre-conditions you"
                            + " specified did not hold (store-behaviour fixture)")
                    .awsErrorDetails(AwsErrorDetails.builder().errorCode("PreconditionFailed")
                            .errorMessage("At least one of the pre-conditions you specified did not hold").build())
                    .build();
        }
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        String bucket = bucket(context.request());
        if (context.request() instanceof software.amazon.awssdk.services.s3.model.RestoreObjectRequest
                && armed(ARCHIVE, bucket)) {
            // S3Mock has no RestoreObject: the fixture keeps the restore, the emulator answers a HEAD (200).
            return context.httpRequest().toBuilder().method(software.amazon.awssdk.http.SdkHttpMethod.HEAD)
                    .removeQueryParameter("restore").removeHeader("Content-Length").removeHeader("Content-MD5")
                    .removeHeader("Content-Type").build();
        }
        if (!armed(IGNORES_CONDITIONS, bucket)) {
            return context.httpRequest();
        }
        SdkRequest r = context.request();
        boolean write = r instanceof software.amazon.awssdk.services.s3.model.PutObjectRequest
                || r instanceof CompleteMultipartUploadRequest || r instanceof CopyObjectRequest;
        return write ? context.httpRequest().toBuilder().removeHeader("If-Match").removeHeader("If-None-Match").build()
                : context.httpRequest();
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        SdkResponse response = servedPage(context, attributes);
        String bucket = request.getValueForField("Bucket", String.class).orElse(null);
        if (armed(TAGGING_COUNT, bucket)) {
            response = withTaggingCount(context.httpRequest(), request, response);
        }
        response = withReportedEtags(bucket(request), response);
        if (armed(PART_NUMBERS, bucket) && response instanceof HeadObjectResponse r && request instanceof HeadObjectRequest h
                && h.partNumber() != null && PART_SIZES.containsKey(bucket + "/" + h.key())) {
            List<Long> sizes = PART_SIZES.get(bucket + "/" + h.key());
            response = r.toBuilder().contentLength(sizes.get(h.partNumber() - 1)).partsCount(sizes.size()).build();
        }
        if (armed(ARCHIVE, bucket) && response instanceof HeadObjectResponse r && request instanceof HeadObjectRequest h) {
            String id = bucket + "/" + h.key();
            var head = r.toBuilder();
            if (ARCHIVE_TIERS.containsKey(id) && !RESTORED.contains(id)) {
                head.archiveStatus(ARCHIVE_TIERS.get(id));
            }
            if (RESTORES.containsKey(id)) {
                head.restore(RESTORED.contains(id)
                        ? "ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2040 00:00:00 GMT\""
                        : "ongoing-request=\"true\"");
            }
            response = head.build();
        }
        if (!armed(KMS, bucket)) {
            return response;
        }
        if (response instanceof HeadObjectResponse r) {
            return r.toBuilder().eTag(quoted(kmsEtag(r.eTag()))).serverSideEncryption(ServerSideEncryption.AWS_KMS)
                    .build();
        }
        if (response instanceof GetObjectResponse r) {
            return r.toBuilder().eTag(quoted(kmsEtag(r.eTag()))).serverSideEncryption(ServerSideEncryption.AWS_KMS)
                    .build();
        }
        if (response instanceof ListObjectsV2Response r) {
            return r.toBuilder().contents(r.contents().stream()
                    .map(o -> o.toBuilder().eTag(quoted(kmsEtag(o.eTag()))).build()).toList()).build();
        }
        if (response instanceof CopyObjectResponse r && r.copyObjectResult() != null) {
            return r.toBuilder().serverSideEncryption(ServerSideEncryption.AWS_KMS).copyObjectResult(
                    r.copyObjectResult().toBuilder().eTag(quoted(kmsEtag(r.copyObjectResult().eTag()))).build()).build();
        }
        return response;
    }

    /** AWS's x-amz-tagging-count: the number of tags, no header without tags. */
    private static SdkResponse withTaggingCount(SdkHttpRequest http, SdkRequest request, SdkResponse response) {
        if (response instanceof GetObjectResponse r) {
            GetObjectRequest g = (GetObjectRequest) request;
            return r.toBuilder().tagCount(tagCount(http, g.bucket(), g.key(), g.versionId())).build();
        }
        if (response instanceof HeadObjectResponse r) {
            HeadObjectRequest h = (HeadObjectRequest) request;
            return r.toBuilder().tagCount(tagCount(http, h.bucket(), h.key(), h.versionId())).build();
        }
        return response;
    }

    /**
     * The object's tag count, or null for none, read from the emulator over plain HTTP (S3Mock does not
     * check signatures) so the look-up is not an SDK request the tests' request counters would see.
     */
    private static Integer tagCount(SdkHttpRequest http, String bucket, String key, String versionId) {
        StringBuilder path = new StringBuilder("/").append(bucket);
        for (String segment : key.split("/", -1)) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        String query = "?tagging" + (versionId != null ? "&versionId="
                + URLEncoder.encode(versionId, StandardCharsets.UTF_8) : "");
        URI uri = URI.create(http.protocol() + "://" + http.host() + ":" + http.port() + path + query);
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(uri).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("fixture: GET " + uri + " answered " + answer.statusCode());
            }
            int tags = answer.body().split("<Tag>", -1).length - 1;
            return tags == 0 ? null : tags;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean armed(Set<String> behaviour, String bucket) {
        return bucket != null && behaviour.contains(bucket);
    }

    /** The SDK turns sourceBucket / sourceKey into the x-amz-copy-source header value before interceptors run. */
    private static String sourceBucket(CopyObjectRequest r) {
        return r.sourceBucket() != null ? r.sourceBucket() : bucketOfCopySource(r.copySource());
    }

    private static String bucketOfCopySource(String copySource) {
        if (copySource == null) {
            return null;
        }
        String decoded = java.net.URLDecoder.decode(copySource, StandardCharsets.UTF_8);
        int slash = decoded.indexOf('/', decoded.startsWith("/") ? 1 : 0);
        return slash < 0 ? decoded : decoded.substring(decoded.startsWith("/") ? 1 : 0, slash);
    }

    private static String real(String etag) {
        String bare = etag.replace("\"", "");
        return quoted(KMS_TO_REAL.getOrDefault(bare, bare));
    }

    private static String quoted(String etag) {
        return "\"" + etag.replace("\"", "") + "\"";
    }

    /** The key's ETag as the store has it now, or null when absent, asked with a client of the same endpoint. */
    private static String currentEtag(SdkHttpRequest http, String bucket, String key) {
        String endpoint = http.protocol() + "://" + http.host() + ":" + http.port();
        S3Client s3 = PLAIN_CLIENTS.computeIfAbsent(endpoint, S3MockServers::client);
        try {
            return s3.headObject(b -> b.bucket(bucket).key(key)).eTag().replace("\"", "");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String bucket(SdkRequest request) {
        return request.getValueForField("Bucket", String.class)
                .or(() -> request.getValueForField("DestinationBucket", String.class)).orElse(null);
    }
}
