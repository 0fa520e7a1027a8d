package io.s3replicator.discover.inventory;

import io.s3replicator.store.EndpointSpec;
import io.s3replicator.store.S3Errors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A {@code manifest.json} to diff from, and how to reach it. Passed to the diff in the
 * {@value #HEADER} header: a diff with it reads the report instead of listing the source.
 */
public record ManifestRef(String bucket, String key, EndpointSpec endpoint) {
    public static final String HEADER = "S3ReplicatorInventoryManifest";
    static final String MANIFEST = "manifest.json";
    static final String CHECKSUM = "manifest.checksum";

    public ManifestRef {
        if (!key.endsWith(MANIFEST)) {
            throw new InventoryException("s3://" + bucket + "/" + key + " is not an inventory manifest ("
                    + MANIFEST + ")");
        }
    }

    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** The manifest, checked against the {@code manifest.checksum} beside it (which S3 writes once the report is complete). */
    public InventoryManifest read(S3Client s3) {
        byte[] json = get(s3, key, "the manifest");
        String checksumKey = key.substring(0, key.length() - MANIFEST.length()) + CHECKSUM;
        String checksum = InventoryManifest.text(get(s3, checksumKey, "its " + CHECKSUM
                + " (the report may still be being written)"));
        return InventoryManifest.parse(uri(), json, checksum);
    }

    private byte[] get(S3Client s3, String objectKey, String what) {
        try {
            return s3.getObjectAsBytes(b -> b.bucket(bucket).key(objectKey)).asByteArray();
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                throw new InventoryException(uri() + ": " + what + " not found");
            }
            throw e;
        }
    }
}
