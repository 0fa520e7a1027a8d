package io.s3replicator.model;

/**
 * One entry of a bucket listing.
 *
 * @param key         full key
 * @param relativeKey key without the listed prefix: what the diff joins on
 * @param size        bytes
 * @param etag        ETag without quotes
 * @param versionId   the latest version's id when listed with versions (compareVersions), else null
 */
public record ListedObject(String key, String relativeKey, long size, String etag, String versionId) {

    public ListedObject(String key, String relativeKey, long size, String etag) {
        this(key, relativeKey, size, etag, null);
    }

    /** A version id, or null for none: S3 says "null" for objects written before versioning was enabled. */
    public static String versionOrNull(String versionId) {
        return versionId == null || versionId.isEmpty() || "null".equals(versionId) ? null : versionId;
    }

    /**
     * Whether two bare ETags name the same content: hex digits in either case (Aliyun OSS reports upper
     * case, AWS lower), so every ETag comparison goes through here or {@code equalsIgnoreCase}.
     */
    public static boolean sameEtag(String a, String b) {
        return a != null && a.equalsIgnoreCase(b);
    }

    /** ETags arrive quoted from S3 and unquoted from some stores; compare them bare. */
    public static String bareEtag(String etag) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
    }
}
