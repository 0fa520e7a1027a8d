package io.s3replicator.store;

/**
 * What every object written to a destination carries: storage class, canned ACL and
 * server-side encryption. Null fields leave the store's default.
 *
 * @param storageClass x-amz-storage-class (STANDARD, STANDARD_IA, GLACIER_IR, ... or the store's own)
 * @param acl          canned ACL; null = the provider default ({@code bucket-owner-full-control} on AWS), "none" = send none
 * @param sse          AES256 or aws:kms
 * @param kmsKeyId     KMS key id or ARN for aws:kms
 */
public record WriteOptions(String storageClass, String acl, String sse, String kmsKeyId) {
    public static final WriteOptions NONE = new WriteOptions(null, null, null, null);
    /** Lets the bucket owner read what another account's credentials wrote; harmless when they own it. */
    public static final String CROSS_ACCOUNT_ACL = "bucket-owner-full-control";

    public WriteOptions withStorageClass(String value) {
        return new WriteOptions(value, acl, sse, kmsKeyId);
    }

    public WriteOptions withAcl(String value) {
        return new WriteOptions(storageClass, value, sse, kmsKeyId);
    }

    public WriteOptions withSse(String value) {
        return new WriteOptions(storageClass, acl, value, kmsKeyId);
    }

    public WriteOptions withKmsKeyId(String value) {
        return new WriteOptions(storageClass, acl, value == null ? sse : "aws:kms", value);
    }

    /** The ACL actually sent: the provider default applies only on AWS, where every bucket accepts it. */
    public String effectiveAcl(Provider provider) {
        if ("none".equals(acl)) {
            return null;
        }
        if (acl == null) {
            return provider == Provider.AWS ? CROSS_ACCOUNT_ACL : null;
        }
        return acl;
    }
}
