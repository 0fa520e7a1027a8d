package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

/**
 * Process-wide settings (application.properties, {@code s3replicator.*}); per-pair settings
 * live in {@link ReplicationPair}.
 *
 * @param queueUri            Camel endpoint jobs travel through between the diff and the workers
 * @param concurrency         objects transferred at once
 * @param multipartThreshold  relayed objects larger than this are sent as multipart uploads (bytes)
 * @param copyThreshold       server-side copies of objects larger than this use UploadPartCopy; up to
 *                            it one CopyObject (bytes; at most 5 GiB, the CopyObject limit)
 * @param partSize            preferred multipart part size (bytes); grown for huge objects
 * @param partsInFlight       multipart parts moving at once, across all objects (bounds memory:
 *                            relayed part data is at most partsInFlight x part size)
 * @param listPageSize        keys per ListObjectsV2 page
 */
public record ReplicatorSettings(String queueUri, int concurrency, long multipartThreshold, long copyThreshold,
                                 long partSize, int partsInFlight, int listPageSize) {

    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;

    public ReplicatorSettings {
        if (concurrency < 1 || concurrency > 1024) {
            throw new ConfigException("concurrency", concurrency + " is outside 1..1024");
        }
        if (multipartThreshold < MIN_PART_SIZE) {
            throw new ConfigException("multipart-threshold", multipartThreshold + " bytes is below the 5 MiB S3 part minimum");
        }
        if (copyThreshold < MIN_PART_SIZE || copyThreshold > MAX_PART_SIZE) {
            throw new ConfigException("copy-threshold", copyThreshold + " bytes is outside 5 MiB..5 GiB (one CopyObject"
                    + " copies at most 5 GiB)");
        }
        if (multipartThreshold > MAX_PART_SIZE) {
            throw new ConfigException("multipart-threshold", multipartThreshold
                    + " bytes is above the 5 GiB limit of one PutObject or CopyObject");
        }
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw new ConfigException("part-size", partSize + " bytes is outside the S3 part range 5 MiB..5 GiB");
        }
        if (partsInFlight < 1 || partsInFlight > 1024) {
            throw new ConfigException("parts-in-flight", partsInFlight + " is outside 1..1024");
        }
        if (listPageSize < 1 || listPageSize > 1000) {
            throw new ConfigException("list-page-size", listPageSize + " is outside 1..1000");
        }
    }
}
