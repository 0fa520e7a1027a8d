package io.s3replicator.store;

import java.net.URI;
import java.time.Duration;

/**
 * Where one side's keys come from. Holds only references (a profile name, an environment
 * variable prefix, a secret id, a role ARN), never key material, so it is safe to print.
 *
 * @param kind            default chain, named profile, environment variables, or a Secrets Manager secret
 * @param ref             profile name, environment variable prefix, or secret name / ARN
 * @param secretRegion    region of the secret (default: the ARN's region, else the side's AWS region, else the default chain)
 * @param secretEndpoint  Secrets Manager endpoint override (VPC endpoint), or null
 * @param secretRefresh   how long keys read from the secret are used before it is read again
 * @param roleArn         STS AssumeRole on top of the keys above, or null
 * @param externalId      AssumeRole external id, or null
 * @param roleSessionName AssumeRole session name
 * @param stsEndpoint     STS endpoint override, or null for the regional endpoint of the side's partition
 */
public record CredentialSource(Kind kind, String ref, String secretRegion, URI secretEndpoint, Duration secretRefresh,
                               String roleArn, String externalId, String roleSessionName, URI stsEndpoint) {

    public enum Kind { DEFAULT, PROFILE, ENV, SECRET }

    public static final Duration DEFAULT_SECRET_REFRESH = Duration.ofMinutes(15);
    public static final String DEFAULT_SESSION_NAME = "s3-replicator";
    public static final CredentialSource DEFAULT = new CredentialSource(Kind.DEFAULT, null, null, null,
            DEFAULT_SECRET_REFRESH, null, null, DEFAULT_SESSION_NAME, null);

    public CredentialSource withKind(Kind value, String reference) {
        return new CredentialSource(value, reference, secretRegion, secretEndpoint, secretRefresh, roleArn, externalId,
                roleSessionName, stsEndpoint);
    }

    public CredentialSource withSecretRegion(String value) {
        return new CredentialSource(kind, ref, value, secretEndpoint, secretRefresh, roleArn, externalId,
                roleSessionName, stsEndpoint);
    }

    public CredentialSource withSecretEndpoint(URI value) {
        return new CredentialSource(kind, ref, secretRegion, value, secretRefresh, roleArn, externalId,
                roleSessionName, stsEndpoint);
    }

    public CredentialSource withSecretRefresh(Duration value) {
        return new CredentialSource(kind, ref, secretRegion, secretEndpoint, value, roleArn, externalId,
                roleSessionName, stsEndpoint);
    }

    public CredentialSource withRoleArn(String value) {
        return new CredentialSource(kind, ref, secretRegion, secretEndpoint, secretRefresh, value, externalId,
                roleSessionName, stsEndpoint);
    }

    public CredentialSource withExternalId(String value) {
        return new CredentialSource(kind, ref, secretRegion, secretEndpoint, secretRefresh, roleArn, value,
                roleSessionName, stsEndpoint);
    }

    public CredentialSource withRoleSessionName(String value) {
        return new CredentialSource(kind, ref, secretRegion, secretEndpoint, secretRefresh, roleArn, externalId,
                value, stsEndpoint);
    }

    public CredentialSource withStsEndpoint(URI value) {
        return new CredentialSource(kind, ref, secretRegion, secretEndpoint, secretRefresh, roleArn, externalId,
                roleSessionName, value);
    }

    /** One line for logs: the kind and reference, plus the role; the external id is left out. */
    public String describe() {
        String base = switch (kind) {
            case DEFAULT -> "default chain";
            case PROFILE -> "profile " + ref;
            case ENV -> "env " + ref + "_ACCESS_KEY_ID";
            case SECRET -> "secret " + ref;
        };
        return roleArn == null ? base : base + " as " + roleArn;
    }

    @Override
    public String toString() {
        return describe();
    }
}
