package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.RegionMetadata;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Where a kind of store lives and how the SDK must talk to it. A preset turns a region into
 * the store's documented S3-compatible endpoint, signing region and addressing style, and
 * switches off what that store rejects (default CRC checksums, aws-chunked uploads).
 */
public enum Provider {
    /** Amazon S3 in any partition: the SDK's own endpoint rules resolve {@code aws} and {@code aws-cn}. */
    AWS("Amazon S3", null, List.of()),
    /** Aliyun OSS, S3-compatible endpoint {@code https://s3.oss-REGION.aliyuncs.com}, virtual-hosted only. */
    OSS("Aliyun OSS", "https://s3.oss-%s.aliyuncs.com", List.of(
            "cn-hangzhou", "cn-shanghai", "cn-nanjing", "cn-fuzhou", "cn-wuhan-lr", "cn-qingdao", "cn-beijing",
            "cn-zhangjiakou", "cn-huhehaote", "cn-wulanchabu", "cn-shenzhen", "cn-heyuan", "cn-guangzhou",
            "cn-chengdu", "cn-hongkong", "us-west-1", "us-east-1", "ap-northeast-1", "ap-northeast-2",
            "ap-southeast-1", "ap-southeast-3", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
            "eu-central-1", "eu-west-1", "me-east-1", "me-central-1", "na-south-1")),
    /** Tencent COS, {@code https://cos.REGION.myqcloud.com}; bucket names carry the APPID suffix. */
    COS("Tencent COS", "https://cos.%s.myqcloud.com", List.of(
            "ap-beijing", "ap-nanjing", "ap-shanghai", "ap-guangzhou", "ap-chengdu", "ap-chongqing",
            "ap-shenzhen-fsi", "ap-shanghai-fsi", "ap-beijing-fsi", "ap-hongkong", "ap-singapore", "ap-jakarta",
            "ap-seoul", "ap-bangkok", "ap-tokyo", "na-siliconvalley", "na-ashburn", "sa-saopaulo", "eu-frankfurt")),
    /** Qiniu Kodo S3 API, {@code https://s3.REGION.qiniucs.com} (cn-east-1 is z0, cn-north-1 z1, ...). */
    KODO("Qiniu Kodo", "https://s3.%s.qiniucs.com", List.of(
            "cn-east-1", "cn-east-2", "cn-north-1", "cn-south-1", "us-north-1", "ap-southeast-1",
            "ap-northeast-1", "ap-southeast-2", "ap-southeast-3")),
    /** Google Cloud Storage XML API with HMAC keys; one global endpoint, signing region "auto". */
    GCS("Google Cloud Storage", "https://storage.googleapis.com", List.of()),
    /** MinIO: an endpoint is required; path-style by default. */
    MINIO("MinIO", null, List.of()),
    /** Any other S3-compatible store (Ceph RGW, SeaweedFS, ...): endpoint required, path-style by default. */
    CUSTOM("S3-compatible", null, List.of());

    private final String title;
    private final String endpointPattern;
    private final List<String> regions;

    Provider(String title, String endpointPattern, List<String> regions) {
        this.title = title;
        this.endpointPattern = endpointPattern;
        this.regions = regions;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String title() {
        return title;
    }

    /**
     * What the store supports ({@link Capabilities}), from its documentation:
     * <ul>
     *   <li>tagging: Google's XML API has no object tags (its {@code tagging} parameter is for bucket
     *       labels and it lists no tagging header, "HTTP headers and query string parameters for XML
     *       API"); elsewhere tags are copied, and a store or credential refusing them costs the tags of
     *       that pair and one warning ({@link SourceTags}).</li>
     *   <li>taggingCount: AWS S3 sends {@code x-amz-tagging-count}, "the number of tags, if any, on the
     *       object, when you have the relevant permission to read object tags" (GetObject / HeadObject),
     *       so no header means nothing to copy. Other stores may not send it (S3Mock does not).</li>
     *   <li>conditionalWrites: AWS S3 (since 2024) and MinIO honour If-Match / If-None-Match on writes;
     *       the others are not documented to, so nothing is sent there.</li>
     *   <li>multipartEtag: AWS documents the MD5 of the part MD5s, "-N" (not for SSE-KMS / SSE-C, which
     *       {@code Encryption} handles); so do MinIO and Ceph RGW (custom). GCS: "the object's ETag is
     *       not based on an MD5 hash" (XML API, complete multipart upload); OSS, COS and Kodo do not
     *       document how theirs is made, so none is compared.</li>
     *   <li>sortedListing: all list in UTF-8 binary order (AWS general purpose buckets; not S3 Express
     *       directory buckets: set {@code sortedListing=false}).</li>
     *   <li>storageClasses: GCS names its classes with {@code x-goog-storage-class} (STANDARD, NEARLINE,
     *       COLDLINE, ARCHIVE), not S3's names.</li>
     * </ul>
     */
    public Capabilities capabilities() {
        return switch (this) {
            case AWS -> new Capabilities(true, true, true, Capabilities.MultipartEtag.MD5_OF_PARTS, true, true, true);
            case OSS, COS, KODO -> new Capabilities(true, false, false, Capabilities.MultipartEtag.OPAQUE, true, true,
                    true);
            case GCS -> new Capabilities(false, false, false, Capabilities.MultipartEtag.OPAQUE, true, true, false);
            case MINIO, CUSTOM -> new Capabilities(true, false, true, Capabilities.MultipartEtag.MD5_OF_PARTS, true,
                    true, true);
        };
    }

    public static Provider parse(String field, String text) {
        for (Provider p : values()) {
            if (p.id().equals(text.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new ConfigException(field, "unknown provider '" + text + "' (known: aws, oss, cos, kodo, gcs, minio, custom)");
    }

    /**
     * How one side's client is built.
     *
     * @param endpoint          endpoint override, or null to let the SDK's AWS endpoint rules decide
     * @param signingRegion     region in the SigV4 credential scope
     * @param pathStyle         path-style (bucket in the path) instead of virtual-hosted addressing
     * @param checksum          when the SDK adds request checksums (CRC32 by default on newer SDKs)
     * @param chunkedEncoding   whether streaming uploads may use aws-chunked encoding
     * @param partition         AWS partition id (aws, aws-cn, ...), or null outside AWS
     */
    public record Resolved(Provider provider, URI endpoint, Region signingRegion, boolean pathStyle,
                           RequestChecksumCalculation checksum, boolean chunkedEncoding, String partition) {
    }

    /**
     * Applies this preset to one side's settings. {@code side} names the side in errors
     * ("source", "dest"); fields are reported as {@code side-region} and so on.
     */
    public Resolved resolve(String side, EndpointSpec spec) {
        String region = spec.region();
        URI endpoint = spec.endpoint();
        RequestChecksumCalculation defaultChecksum = RequestChecksumCalculation.WHEN_REQUIRED;
        boolean defaultPathStyle = false;
        String partition = null;
        Region signing;
        switch (this) {
            case AWS -> {
                defaultChecksum = RequestChecksumCalculation.WHEN_SUPPORTED;
                if (region == null) {
                    return new Resolved(this, endpoint, null, bool(spec.pathStyle(), false),
                            checksum(spec, defaultChecksum), true, null);
                }
                RegionMetadata meta = Region.of(region).metadata();
                if (meta == null) {
                    throw new ConfigException(side + "-region", "'" + region + "' is not an AWS region this build knows"
                            + " (e.g. us-west-2, cn-north-1, cn-northwest-1)");
                }
                partition = meta.partition().id();
                signing = Region.of(region);
            }
            case OSS, COS, KODO -> {
                if (region == null) {
                    throw new ConfigException(side + "-region", title + " needs a region (e.g. " + regions.get(0) + ")");
                }
                if (!regions.contains(region)) {
                    throw new ConfigException(side + "-region", "'" + region + "' is not a " + title + " region (known: "
                            + String.join(", ", regions) + ")");
                }
                if (endpoint == null) {
                    endpoint = URI.create(String.format(Locale.ROOT, endpointPattern, region));
                }
                signing = Region.of(region);
            }
            case GCS -> {
                if (endpoint == null) {
                    endpoint = URI.create(endpointPattern);
                }
                // GCS ignores the scope region for HMAC keys; "auto" is its documented value.
                signing = Region.of(region != null ? region : "auto");
                // Path-style keeps dotted bucket names valid under Google's TLS certificate.
                defaultPathStyle = true;
            }
            default -> {
                if (endpoint == null) {
                    throw new ConfigException(side + "-endpoint", title + " needs an endpoint URL");
                }
                signing = Region.of(region != null ? region : "us-east-1");
                defaultPathStyle = true;
            }
        }
        if (spec.write().storageClass() != null && !spec.effectiveCapabilities().storageClasses()) {
            throw new ConfigException(side + "-storage-class", title + " takes no S3 storage class on writes: leave it"
                    + " to the bucket's default (or set " + side + "-storage-classes if this store does)");
        }
        RequestChecksumCalculation checksum = checksum(spec, defaultChecksum);
        // OSS documents that it rejects aws-chunked bodies. Elsewhere keep them: over plain http the
        // SDK must sign the payload, and without chunking it would have to read a streamed body twice.
        boolean chunked = this != OSS || checksum == RequestChecksumCalculation.WHEN_SUPPORTED;
        return new Resolved(this, endpoint, signing, bool(spec.pathStyle(), defaultPathStyle), checksum, chunked,
                partition);
    }

    private static RequestChecksumCalculation checksum(EndpointSpec spec, RequestChecksumCalculation fallback) {
        return spec.checksum() != null ? spec.checksum() : fallback;
    }

    private static boolean bool(Boolean value, boolean fallback) {
        return value != null ? value : fallback;
    }

    /** The AWS partition of a region the SDK knows, or null. */
    public static String partitionOf(String region) {
        RegionMetadata meta = region == null ? null : Region.of(region).metadata();
        return meta == null ? null : meta.partition().id();
    }
}
