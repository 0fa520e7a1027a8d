package io.s3replicator.transfer;

import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * How an object is encrypted at rest, as far as its ETag is concerned: S3 documents that the ETag
 * of an object encrypted with SSE-KMS (or DSSE-KMS) or SSE-C is not the MD5 of its bytes.
 */
record Encryption(ServerSideEncryption sse, String customerAlgorithm) {

    static Encryption of(ServerSideEncryption sse, String customerAlgorithm) {
        return new Encryption(sse, customerAlgorithm);
    }

    /** Whether a single-part object's ETag is the MD5 of its bytes (no encryption, or SSE-S3). */
    boolean etagIsMd5() {
        return customerAlgorithm == null && sse != ServerSideEncryption.AWS_KMS
                && sse != ServerSideEncryption.AWS_KMS_DSSE;
    }
}
