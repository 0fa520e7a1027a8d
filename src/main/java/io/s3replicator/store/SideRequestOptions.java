package io.s3replicator.store;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Applies one side's settings to every request its client sends, so the transfer code stays
 * unaware of them: destination write options on each object-creating call (PutObject,
 * CopyObject, CreateMultipartUpload) unless the caller set them, the requester-pays header on
 * every call, and a 403 marks refreshable keys stale so the next request reads them again.
 */
final class SideRequestOptions implements ExecutionInterceptor {
    private final WriteOptions write;
    private final String acl;
    private final boolean requesterPays;
    private final SecretCredentialsProvider refreshable;

    SideRequestOptions(EndpointSpec spec, SecretCredentialsProvider refreshable) {
        this.write = spec.write();
        this.acl = spec.write().effectiveAcl(spec.effectiveProvider());
        this.requesterPays = spec.requesterPays();
        this.refreshable = refreshable;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        if (request instanceof PutObjectRequest put) {
            var b = put.toBuilder();
            if (put.storageClassAsString() == null && write.storageClass() != null) {
                b.storageClass(write.storageClass());
            }
            if (put.aclAsString() == null && acl != null) {
                b.acl(acl);
            }
            if (put.serverSideEncryptionAsString() == null && write.sse() != null) {
                b.serverSideEncryption(write.sse()).ssekmsKeyId(write.kmsKeyId());
            }
            return b.build();
        }
        if (request instanceof CopyObjectRequest copy) {
            var b = copy.toBuilder();
            if (copy.storageClassAsString() == null && write.storageClass() != null) {
                b.storageClass(write.storageClass());
            }
            if (copy.aclAsString() == null && acl != null) {
                b.acl(acl);
            }
            if (copy.serverSideEncryptionAsString() == null && write.sse() != null) {
                b.serverSideEncryption(write.sse()).ssekmsKeyId(write.kmsKeyId());
            }
            return b.build();
        }
        if (request instanceof CreateMultipartUploadRequest create) {
            var b = create.toBuilder();
            if (create.storageClassAsString() == null && write.storageClass() != null) {
                b.storageClass(write.storageClass());
            }
            if (create.aclAsString() == null && acl != null) {
                b.acl(acl);
            }
            if (create.serverSideEncryptionAsString() == null && write.sse() != null) {
                b.serverSideEncryption(write.sse()).ssekmsKeyId(write.kmsKeyId());
            }
            return b.build();
        }
        return request;
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        if (!requesterPays) {
            return context.httpRequest();
        }
        // Every S3 operation on a requester-pays bucket needs it; one header covers them all.
        return context.httpRequest().toBuilder().putHeader("x-amz-request-payer", "requester").build();
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        if (refreshable != null && context.exception() instanceof SdkServiceException e && e.statusCode() == 403) {
            refreshable.invalidate();
        }
    }
}
