package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credentials of one side of a pair, from its {@link CredentialSource}: the SDK's default
 * chain, a profile, environment variables, a Secrets Manager secret, optionally an assumed role
 * on top. Each is tried once when built, so a bad one fails at start-up in one line naming the
 * side's flag.
 */
final class SideCredentials {
    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/.+");
    private static final Pattern SECRET_ARN = Pattern.compile("arn:[a-z-]+:secretsmanager:([a-z0-9-]+):\\d{12}:secret:.+");

    private final UnaryOperator<String> env;

    /** @param env environment variables (a map in tests) */
    SideCredentials(UnaryOperator<String> env) {
        this.env = env;
    }

    /** The side's credentials; what must be closed with its client is added to {@code closeables}. */
    AwsCredentialsProvider of(String side, EndpointSpec spec, Region region, Provider.Resolved resolved,
                              List<SdkAutoCloseable> closeables) {
        CredentialSource c = spec.credentials();
        AwsCredentialsProvider base = switch (c.kind()) {
            case DEFAULT -> DefaultCredentialsProvider.builder().build();
            case PROFILE -> profile(side, c.ref());
            case ENV -> fromEnvironment(side, c.ref());
            case SECRET -> secret(side, spec, region, resolved, closeables);
        };
        if (c.roleArn() == null) {
            return base;
        }
        return assumeRole(side, spec, resolved, base, closeables);
    }

    private static AwsCredentialsProvider profile(String side, String name) {
        if (ProfileFile.defaultProfileFile().profile(name).isEmpty()) {
            throw new ConfigException(flag(side) + "-profile", "profile '" + name
                    + "' is not in the AWS config or credentials file");
        }
        return ProfileCredentialsProvider.builder().profileName(name).build();
    }

    private AwsCredentialsProvider fromEnvironment(String side, String prefix) {
        String id = env.apply(prefix + "_ACCESS_KEY_ID");
        String secret = env.apply(prefix + "_SECRET_ACCESS_KEY");
        String token = env.apply(prefix + "_SESSION_TOKEN");
        for (String[] v : new String[][] {{prefix + "_ACCESS_KEY_ID", id}, {prefix + "_SECRET_ACCESS_KEY", secret}}) {
            if (v[1] == null || v[1].isBlank()) {
                throw new ConfigException(flag(side) + "-credentials", "environment variable " + v[0] + " is not set");
            }
        }
        return StaticCredentialsProvider.create(token == null || token.isBlank()
                ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret, token));
    }

    private AwsCredentialsProvider secret(String side, EndpointSpec spec, Region sideRegion,
                                          Provider.Resolved resolved, List<SdkAutoCloseable> closeables) {
        CredentialSource c = spec.credentials();
        Region region = secretRegion(side, c, resolved.partition() != null ? sideRegion : null);
        var builder = SecretsManagerClient.builder().region(region)
                // The secret is read as whoever runs the replicator (instance role, task role, profile).
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)));
        if (c.secretEndpoint() != null) {
            builder.endpointOverride(c.secretEndpoint());
        }
        SecretCredentialsProvider provider = new SecretCredentialsProvider(c.ref(), builder.build(),
                c.secretRefresh(), Clock.systemUTC());
        closeables.add(provider);
        try {
            provider.resolveCredentials();
        } catch (SecretCredentialsProvider.SecretException e) {
            throw new ConfigException(flag(side) + "-credentials", e.getMessage());
        }
        return provider;
    }

    private static Region secretRegion(String side, CredentialSource c, Region sideAwsRegion) {
        if (c.secretRegion() != null) {
            return Region.of(c.secretRegion());
        }
        Matcher arn = SECRET_ARN.matcher(c.ref());
        if (arn.matches()) {
            return Region.of(arn.group(1));
        }
        if (sideAwsRegion != null) {
            return sideAwsRegion;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(flag(side) + "-secret-region", "no region for secret '" + c.ref()
                    + "': pass --" + flag(side) + "-secret-region, a secret ARN, or set AWS_REGION");
        }
    }

    private static AwsCredentialsProvider assumeRole(String side, EndpointSpec spec, Provider.Resolved resolved,
                                                     AwsCredentialsProvider base, List<SdkAutoCloseable> closeables) {
        CredentialSource c = spec.credentials();
        Matcher arn = ROLE_ARN.matcher(c.roleArn());
        if (!arn.matches()) {
            throw new ConfigException(flag(side) + "-role-arn", "'" + c.roleArn()
                    + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME, arn:aws-cn:... in China)");
        }
        String partition = arn.group(1);
        if (resolved.partition() != null && !resolved.partition().equals(partition)) {
            throw new ConfigException(flag(side) + "-role-arn", "role is in partition " + partition + " but region "
                    + spec.region() + " is in " + resolved.partition() + " (use arn:" + resolved.partition() + ":iam::...)");
        }
        StsClient sts = sts(stsRegion(spec, partition), c.stsEndpoint(), base);
        StsAssumeRoleCredentialsProvider provider = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> r.roleArn(c.roleArn()).roleSessionName(c.roleSessionName())
                        .externalId(c.externalId()))
                .build();
        closeables.add(provider);
        closeables.add(sts);
        try {
            provider.resolveCredentials();
        } catch (SdkException e) {
            throw new ConfigException(flag(side) + "-role-arn", "AssumeRole " + c.roleArn() + " failed: "
                    + S3Errors.describe(e));
        }
        return provider;
    }

    static StsClient sts(Region region, URI endpoint, AwsCredentialsProvider credentials) {
        var builder = StsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** Regional STS in the role's partition: China has no global endpoint. */
    static Region stsRegion(EndpointSpec spec, String partition) {
        if (spec.region() != null && partition != null && partition.equals(Provider.partitionOf(spec.region()))) {
            return Region.of(spec.region());
        }
        if ("aws-cn".equals(partition)) {
            return Region.CN_NORTH_1;
        }
        if ("aws-us-gov".equals(partition)) {
            return Region.US_GOV_WEST_1;
        }
        return spec.region() != null && Provider.partitionOf(spec.region()) != null ? Region.of(spec.region())
                : Region.US_EAST_1;
    }

    static String arnPartition(String arn) {
        Matcher m = ROLE_ARN.matcher(arn);
        return m.matches() ? m.group(1) : null;
    }

    /** The command-line spelling of a side in error fields: source-x, dest-x (as --source-x, --dest-x). */
    static String flag(String side) {
        return side.equals("destination") ? "dest" : side;
    }
}
