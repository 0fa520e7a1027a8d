package io.s3replicator.state;

/**
 * The destination ETag each copy got, where it is not the source's: a multipart copy of a
 * single-part source ("...-8" for an MD5), an SSE-KMS destination. Without this record
 * the diff could not tell such a copy from a changed object and queued a job (a HEAD of the
 * destination) for every one of them on every run. Keyed by destination bucket and key; a
 * write at the destination changes its ETag, so a stale record never matches.
 */
public interface CopiedEtags {
    /** The copy of {@code sourceEtag} written at bucket/key has ETag {@code destinationEtag}. */
    void copied(String bucket, String key, String sourceEtag, String destinationEtag);

    /** True if the object at bucket/key with {@code destinationEtag} is our copy of {@code sourceEtag}. */
    boolean isCopyOf(String bucket, String key, String sourceEtag, String destinationEtag);
}
