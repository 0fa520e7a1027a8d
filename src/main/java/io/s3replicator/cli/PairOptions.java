package io.s3replicator.cli;

import io.s3replicator.config.PairFeatures;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.store.EndpointSpec;
import io.s3replicator.store.S3Location;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SOURCE, DESTINATION and the options that say how to reach them and which keys count:
 * shared by every command that works on a pair ({@code sync}, {@code verify}), so they
 * accept the same arguments and validate them the same way.
 */
public class PairOptions {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "s3://bucket[/prefix]")
    String source;
    @Parameters(index = "1", paramLabel = "DESTINATION", description = "s3://bucket[/prefix]; its prefix replaces SOURCE's")
    String destination;

    @Option(names = "--source-endpoint", paramLabel = "URL", description = "S3 endpoint of the source (default: AWS)")
    String sourceEndpoint;
    @Option(names = "--dest-endpoint", paramLabel = "URL", description = "S3 endpoint of the destination (default: AWS)")
    String destEndpoint;
    @Option(names = "--source-region", paramLabel = "REGION", description = "source region (default: AWS_REGION / profile; us-east-1 with an endpoint)")
    String sourceRegion;
    @Option(names = "--dest-region", paramLabel = "REGION", description = "destination region (same defaults)")
    String destRegion;
    @Option(names = "--path-style", description = "path-style addressing on both sides")
    boolean pathStyle;
    @Option(names = "--source-path-style", description = "path-style addressing for the source")
    boolean sourcePathStyle;
    @Option(names = "--dest-path-style", description = "path-style addressing for the destination")
    boolean destPathStyle;
    @Option(names = "--source-profile", paramLabel = "NAME", description = "AWS profile for the source (default: the default provider chain)")
    String sourceProfile;
    @Option(names = "--dest-profile", paramLabel = "NAME", description = "AWS profile for the destination (default: the default provider chain)")
    String destProfile;
    @Option(names = "--source-provider", paramLabel = "NAME", description = "source: store preset: aws, oss, cos, kodo, gcs, minio, custom (default: aws; custom with an endpoint)")
    String sourceProvider;
    @Option(names = "--source-checksum", paramLabel = "WHEN", description = "source: request checksums: when_supported or when_required (default: per provider)")
    String sourceChecksum;
    @Option(names = "--source-credentials", paramLabel = "SOURCE", description = "source: default | profile:NAME | env:PREFIX | secret:NAME-OR-ARN (default: default chain)")
    String sourceCredentials;
    @Option(names = "--source-secret-region", paramLabel = "REGION", description = "source: region of the credentials secret (default: ARN's, else the side's AWS region)")
    String sourceSecretRegion;
    @Option(names = "--source-secret-endpoint", paramLabel = "URL", description = "source: Secrets Manager endpoint override")
    String sourceSecretEndpoint;
    @Option(names = "--source-secret-refresh", paramLabel = "DURATION", description = "source: re-read the credentials secret after this long (default: 15m)")
    String sourceSecretRefresh;
    @Option(names = "--source-role-arn", paramLabel = "ARN", description = "source: STS AssumeRole on top of the credentials")
    String sourceRoleArn;
    @Option(names = "--source-external-id", paramLabel = "ID", description = "source: AssumeRole external id")
    String sourceExternalId;
    @Option(names = "--source-role-session-name", paramLabel = "NAME", description = "source: AssumeRole session name (default: s3-replicator)")
    String sourceRoleSessionName;
    @Option(names = "--source-sts-endpoint", paramLabel = "URL", description = "source: STS endpoint override")
    String sourceStsEndpoint;
    @Option(names = "--source-storage-class", paramLabel = "CLASS", description = "source: storage class of written objects (default: the bucket's)")
    String sourceStorageClass;
    @Option(names = "--source-acl", paramLabel = "ACL", description = "source: canned ACL of written objects, or none (default: bucket-owner-full-control on AWS)")
    String sourceAcl;
    @Option(names = "--source-sse", paramLabel = "ALG", description = "source: server-side encryption of written objects: AES256 or aws:kms")
    String sourceSse;
    @Option(names = "--source-sse-kms-key-id", paramLabel = "KEY", description = "source: KMS key id or ARN for aws:kms")
    String sourceSseKmsKeyId;
    @Option(names = "--source-requester-pays", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source: send x-amz-request-payer: requester")
    String sourceRequesterPays;
    @Option(names = "--source-identity", paramLabel = "PRINCIPAL", description = "source: principal id the replicator writes as (default: STS GetCallerIdentity)")
    String sourceIdentity;
    @Option(names = "--dest-provider", paramLabel = "NAME", description = "destination: store preset: aws, oss, cos, kodo, gcs, minio, custom (default: aws; custom with an endpoint)")
    String destProvider;
    @Option(names = "--dest-checksum", paramLabel = "WHEN", description = "destination: request checksums: when_supported or when_required (default: per provider)")
    String destChecksum;
    @Option(names = "--dest-credentials", paramLabel = "SOURCE", description = "destination: default | profile:NAME | env:PREFIX | secret:NAME-OR-ARN (default: default chain)")
    String destCredentials;
    @Option(names = "--dest-secret-region", paramLabel = "REGION", description = "destination: region of the credentials secret (default: ARN's, else the side's AWS region)")
    String destSecretRegion;
    @Option(names = "--dest-secret-endpoint", paramLabel = "URL", description = "destination: Secrets Manager endpoint override")
    String destSecretEndpoint;
    @Option(names = "--dest-secret-refresh", paramLabel = "DURATION", description = "destination: re-read the credentials secret after this long (default: 15m)")
    String destSecretRefresh;
    @Option(names = "--dest-role-arn", paramLabel = "ARN", description = "destination: STS AssumeRole on top of the credentials")
    String destRoleArn;
    @Option(names = "--dest-external-id", paramLabel = "ID", description = "destination: AssumeRole external id")
    String destExternalId;
    @Option(names = "--dest-role-session-name", paramLabel = "NAME", description = "destination: AssumeRole session name (default: s3-replicator)")
    String destRoleSessionName;
    @Option(names = "--dest-sts-endpoint", paramLabel = "URL", description = "destination: STS endpoint override")
    String destStsEndpoint;
    @Option(names = "--dest-storage-class", paramLabel = "CLASS", description = "destination: storage class of written objects (default: the bucket's)")
    String destStorageClass;
    @Option(names = "--dest-acl", paramLabel = "ACL", description = "destination: canned ACL of written objects, or none (default: bucket-owner-full-control on AWS)")
    String destAcl;
    @Option(names = "--dest-sse", paramLabel = "ALG", description = "destination: server-side encryption of written objects: AES256 or aws:kms")
    String destSse;
    @Option(names = "--dest-sse-kms-key-id", paramLabel = "KEY", description = "destination: KMS key id or ARN for aws:kms")
    String destSseKmsKeyId;
    @Option(names = "--dest-requester-pays", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination: send x-amz-request-payer: requester")
    String destRequesterPays;
    @Option(names = "--dest-identity", paramLabel = "PRINCIPAL", description = "destination: principal id the replicator writes as (default: STS GetCallerIdentity)")
    String destIdentity;
    @Option(names = "--source-restore", paramLabel = "TIER[:DAYS]", description = "source: restore archived objects (RestoreObject, tier Standard, Bulk or Expedited, days default 7) and copy them once restored (default: skip them as archived)")
    String sourceRestore;
    @Option(names = "--dest-restore", paramLabel = "TIER[:DAYS]", description = "destination: the same, where it is read (two-way)")
    String destRestore;
    @Option(names = "--source-tagging", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source capability (default: the preset's): object tags exist")
    String sourceTagging;
    @Option(names = "--source-tagging-count", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source capability (default: the preset's): x-amz-tagging-count is sent when there are tags")
    String sourceTaggingCount;
    @Option(names = "--source-conditional-writes", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source capability (default: the preset's): If-Match / If-None-Match on writes are honoured")
    String sourceConditionalWrites;
    @Option(names = "--source-multipart-etag", paramLabel = "STYLE", description = "source capability (default: the preset's): multipart ETags: md5 (of the part MD5s) or opaque")
    String sourceMultipartEtag;
    @Option(names = "--source-sorted-listing", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source capability (default: the preset's): listings come in UTF-8 binary key order")
    String sourceSortedListing;
    @Option(names = "--source-server-side-copy", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source capability (default: the preset's): CopyObject works between buckets")
    String sourceServerSideCopy;
    @Option(names = "--source-storage-classes", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "source capability (default: the preset's): writes take x-amz-storage-class")
    String sourceStorageClasses;
    @Option(names = "--dest-tagging", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination capability (default: the preset's): object tags exist")
    String destTagging;
    @Option(names = "--dest-tagging-count", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination capability (default: the preset's): x-amz-tagging-count is sent when there are tags")
    String destTaggingCount;
    @Option(names = "--dest-conditional-writes", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination capability (default: the preset's): If-Match / If-None-Match on writes are honoured")
    String destConditionalWrites;
    @Option(names = "--dest-multipart-etag", paramLabel = "STYLE", description = "destination capability (default: the preset's): multipart ETags: md5 (of the part MD5s) or opaque")
    String destMultipartEtag;
    @Option(names = "--dest-sorted-listing", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination capability (default: the preset's): listings come in UTF-8 binary key order")
    String destSortedListing;
    @Option(names = "--dest-server-side-copy", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination capability (default: the preset's): CopyObject works between buckets")
    String destServerSideCopy;
    @Option(names = "--dest-storage-classes", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true", description = "destination capability (default: the preset's): writes take x-amz-storage-class")
    String destStorageClasses;
    @Option(names = "--include", paramLabel = "GLOB", description = "only keys matching a glob (repeatable; relative to the source prefix)")
    List<String> includes = new ArrayList<>();
    @Option(names = "--exclude", paramLabel = "GLOB", description = "leave out keys matching a glob (repeatable)")
    List<String> excludes = new ArrayList<>();

    /** The validated pair; bad values throw a ConfigException naming the argument or flag. */
    ReplicationPair pair(String id, boolean dryRun) {
        return pair(id, dryRun, PairFeatures.NONE);
    }

    /** @param features what the pair does beyond copying ({@code sync --delete}) */
    ReplicationPair pair(String id, boolean dryRun, PairFeatures features) {
        S3Location src = S3Uri.parse("source", source);
        S3Location dst = S3Uri.parse("destination", destination);
        Map<String, String> sourceOptions = new LinkedHashMap<>();
        sourceOptions.put("provider", sourceProvider);
        sourceOptions.put("checksum", sourceChecksum);
        sourceOptions.put("credentials", sourceCredentials);
        sourceOptions.put("secretRegion", sourceSecretRegion);
        sourceOptions.put("secretEndpoint", sourceSecretEndpoint);
        sourceOptions.put("secretRefresh", sourceSecretRefresh);
        sourceOptions.put("roleArn", sourceRoleArn);
        sourceOptions.put("externalId", sourceExternalId);
        sourceOptions.put("roleSessionName", sourceRoleSessionName);
        sourceOptions.put("stsEndpoint", sourceStsEndpoint);
        sourceOptions.put("storageClass", sourceStorageClass);
        sourceOptions.put("acl", sourceAcl);
        sourceOptions.put("sse", sourceSse);
        sourceOptions.put("sseKmsKeyId", sourceSseKmsKeyId);
        sourceOptions.put("requesterPays", sourceRequesterPays);
        sourceOptions.put("identity", sourceIdentity);
        sourceOptions.put("restore", sourceRestore);
        sourceOptions.put("tagging", sourceTagging);
        sourceOptions.put("taggingCount", sourceTaggingCount);
        sourceOptions.put("conditionalWrites", sourceConditionalWrites);
        sourceOptions.put("multipartEtag", sourceMultipartEtag);
        sourceOptions.put("sortedListing", sourceSortedListing);
        sourceOptions.put("serverSideCopy", sourceServerSideCopy);
        sourceOptions.put("storageClasses", sourceStorageClasses);
        src = src.withEndpoint(side(src.endpoint(), "source", sourceEndpoint, sourceRegion,
                pathStyle || sourcePathStyle, sourceProfile, sourceOptions));
        Map<String, String> destOptions = new LinkedHashMap<>();
        destOptions.put("provider", destProvider);
        destOptions.put("checksum", destChecksum);
        destOptions.put("credentials", destCredentials);
        destOptions.put("secretRegion", destSecretRegion);
        destOptions.put("secretEndpoint", destSecretEndpoint);
        destOptions.put("secretRefresh", destSecretRefresh);
        destOptions.put("roleArn", destRoleArn);
        destOptions.put("externalId", destExternalId);
        destOptions.put("roleSessionName", destRoleSessionName);
        destOptions.put("stsEndpoint", destStsEndpoint);
        destOptions.put("storageClass", destStorageClass);
        destOptions.put("acl", destAcl);
        destOptions.put("sse", destSse);
        destOptions.put("sseKmsKeyId", destSseKmsKeyId);
        destOptions.put("requesterPays", destRequesterPays);
        destOptions.put("identity", destIdentity);
        destOptions.put("restore", destRestore);
        destOptions.put("tagging", destTagging);
        destOptions.put("taggingCount", destTaggingCount);
        destOptions.put("conditionalWrites", destConditionalWrites);
        destOptions.put("multipartEtag", destMultipartEtag);
        destOptions.put("sortedListing", destSortedListing);
        destOptions.put("serverSideCopy", destServerSideCopy);
        destOptions.put("storageClasses", destStorageClasses);
        dst = dst.withEndpoint(side(dst.endpoint(), "dest", destEndpoint, destRegion,
                pathStyle || destPathStyle, destProfile, destOptions));
        return new ReplicationPair(id, src, dst, KeyFilter.of(includes, excludes), dryRun, features);
    }

    /** Flags override the URI's query options; both go through {@link S3Uri#option}, so both are validated alike. */
    private static EndpointSpec side(EndpointSpec spec, String flag, String endpoint, String region, boolean path,
                                     String profile, Map<String, String> options) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("endpoint", endpoint);
        all.put("region", region);
        all.put("pathStyle", path ? "true" : null);
        all.put("profile", profile);
        all.putAll(options);
        for (var e : all.entrySet()) {
            if (e.getValue() != null) {
                spec = S3Uri.option(spec, "--" + flag + "-" + kebab(e.getKey()), e.getKey(), e.getValue());
            }
        }
        return spec;
    }

    private static String kebab(String name) {
        return name.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    }
}
