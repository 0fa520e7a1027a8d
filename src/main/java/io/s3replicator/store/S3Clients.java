package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds and caches one {@link S3Client} per {@link EndpointSpec}: the provider preset decides
 * endpoint, signing region, addressing and checksum behaviour; the credential source decides
 * the keys (default chain, profile, environment, Secrets Manager secret, optionally assumed
 * role on top). Clients are thread-safe and hold a connection pool, so every pair and worker
 * thread on one endpoint shares one. Everything a side needs is resolved when its client is
 * first built (at start-up), so a bad setting fails in one line naming the side and field.
 */
public class S3Clients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3Clients.class);
    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/.+");
    private static final Pattern SECRET_ARN = Pattern.compile("arn:[a-z-]+:secretsmanager:([a-z0-9-]+):\\d{12}:secret:.+");

    private final Map<EndpointSpec, Side> sides = new ConcurrentHashMap<>();
    private final Map<EndpointSpec, WriterIdentity> identities = new ConcurrentHashMap<>();
    private final int maxConnections;
    private final UnaryOperator<String> env;
    private final List<ExecutionInterceptor> extraInterceptors;
    private final SourceTags sourceTags = new SourceTags(this);

    /** One side's client and the credentials behind it (closed with it). */
    private record Side(S3Client client, AwsCredentialsProvider credentials, Provider.Resolved resolved,
                        List<SdkAutoCloseable> closeables) {
    }

    public S3Clients(int maxConnections) {
        this(maxConnections, System::getenv, List.of());
    }

    /**
     * @param env                 environment lookup (env:PREFIX credentials)
     * @param extraInterceptors   added to every S3 client (tests record requests with it)
     */
    public S3Clients(int maxConnections, UnaryOperator<String> env, List<ExecutionInterceptor> extraInterceptors) {
        this.maxConnections = maxConnections;
        this.env = env;
        this.extraInterceptors = extraInterceptors;
    }

    /**
     * @param side "source" or "destination": named in configuration errors
     */
    public S3Client client(String side, EndpointSpec spec) {
        return side(side, spec).client;
    }

    /** The credentials provider one side's client signs with (the same cached instance). */
    public AwsCredentialsProvider credentials(String side, EndpointSpec spec) {
        return side(side, spec).credentials;
    }

    /** Which tags copies carry, and which sources refused to give them (shared by every copier). */
    public SourceTags sourceTags() {
        return sourceTags;
    }

    /** The preset resolution one side's client was built with. */
    public Provider.Resolved resolved(String side, EndpointSpec spec) {
        return side(side, spec).resolved;
    }

    private Side side(String side, EndpointSpec spec) {
        Side existing = sides.get(spec);
        if (existing != null) {
            return existing;
        }
        // Build outside computeIfAbsent so a ConfigException leaves the map untouched.
        Side created = build(side, spec);
        Side raced = sides.putIfAbsent(spec, created);
        if (raced != null) {
            close(created);
            return raced;
        }
        return created;
    }

    /**
     * Who this side writes as, for the loop guard: the configured identity, else STS
     * GetCallerIdentity with the side's own credentials. Null outside AWS when none is configured
     * (S3-compatible stores have no STS and send no events the guard would check).
     */
    public WriterIdentity identity(String side, EndpointSpec spec) {
        if ("none".equals(spec.identity())) {
            // The loop guard's principal layer is off for this side (its writers cannot be told apart).
            return null;
        }
        if (spec.identity() != null) {
            return new WriterIdentity(spec.identity(), null, null, "configured");
        }
        if (spec.effectiveProvider() != Provider.AWS) {
            return null;
        }
        WriterIdentity known = identities.get(spec);
        if (known != null) {
            return known;
        }
        Side s = side(side, spec);
        CredentialSource c = spec.credentials();
        String partition = c.roleArn() != null ? arnPartition(c.roleArn()) : s.resolved.partition();
        try (StsClient sts = sts(stsRegion(spec, partition), c.stsEndpoint(), s.credentials)) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            WriterIdentity identity = new WriterIdentity(me.userId(), me.arn(), me.account(), "sts");
            identities.put(spec, identity);
            return identity;
        } catch (SdkException e) {
            throw new ConfigException(flag(side) + "-identity", "STS GetCallerIdentity failed: " + S3Errors.describe(e)
                    + " (set the " + side + " identity to the principal id the replicator writes as)", e);
        }
    }

    private Side build(String side, EndpointSpec spec) {
        Provider.Resolved resolved = spec.effectiveProvider().resolve(flag(side), spec);
        Region region = resolved.signingRegion() != null ? resolved.signingRegion() : region(side, spec);
        List<SdkAutoCloseable> closeables = new ArrayList<>();
        try {
            AwsCredentialsProvider credentials = credentials(side, spec, region, resolved, closeables);
            SecretCredentialsProvider refreshable = closeables.stream()
                    .filter(SecretCredentialsProvider.class::isInstance).map(SecretCredentialsProvider.class::cast)
                    .findFirst().orElse(null);
            var builder = S3Client.builder()
                    .region(region)
                    .credentialsProvider(credentials)
                    .forcePathStyle(resolved.pathStyle())
                    .requestChecksumCalculation(resolved.checksum())
                    // A store that cannot take CRC trailers does not send CRC response headers either.
                    .responseChecksumValidation(resolved.checksum() == RequestChecksumCalculation.WHEN_REQUIRED
                            ? ResponseChecksumValidation.WHEN_REQUIRED : ResponseChecksumValidation.WHEN_SUPPORTED)
                    .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(resolved.chunkedEncoding()).build())
                    .overrideConfiguration(o -> {
                        o.retryStrategy(RequestRetries.strategy());
                        o.addExecutionInterceptor(new SideRequestOptions(spec, refreshable));
                        o.addExecutionInterceptor(new ExpectContinueThreshold());
                        extraInterceptors.forEach(o::addExecutionInterceptor);
                    })
                    .httpClientBuilder(ApacheHttpClient.builder()
                            .maxConnections(maxConnections)
                            .connectionTimeout(Duration.ofSeconds(10))
                            .socketTimeout(Duration.ofMinutes(2)));
            if (resolved.endpoint() != null) {
                builder.endpointOverride(resolved.endpoint());
            }
            LOG.debug("{}: {} via {}, credentials {}", side, spec.effectiveProvider().id(), spec.describe(),
                    spec.credentials().describe());
            return new Side(builder.build(), credentials, resolved, closeables);
        } catch (RuntimeException e) {
            closeables.forEach(SdkAutoCloseable::close);
            throw e;
        }
    }

    private static Region region(String side, EndpointSpec spec) {
        if (spec.region() != null) {
            return Region.of(spec.region());
        }
        if (spec.endpoint() != null) {
            // S3-compatible stores accept any signing region unless told otherwise.
            return Region.US_EAST_1;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            throw new ConfigException(flag(side) + "-region",
                    "no region configured: pass --" + flag(side) + "-region or set AWS_REGION");
        }
    }

    private AwsCredentialsProvider credentials(String side, EndpointSpec spec, Region region,
                                               Provider.Resolved resolved, List<SdkAutoCloseable> closeables) {
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

    private static StsClient sts(Region region, URI endpoint, AwsCredentialsProvider credentials) {
        var builder = StsClient.builder().region(region).credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)));
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** Regional STS in the role's partition: China has no global endpoint. */
    private static Region stsRegion(EndpointSpec spec, String partition) {
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

    private static String arnPartition(String arn) {
        Matcher m = ROLE_ARN.matcher(arn);
        return m.matches() ? m.group(1) : null;
    }

    /** The command-line spelling of a side in error fields: source-x, dest-x (as --source-x, --dest-x). */
    private static String flag(String side) {
        return side.equals("destination") ? "dest" : side;
    }

    private static void close(Side side) {
        side.client.close();
        side.closeables.forEach(SdkAutoCloseable::close);
    }

    @Override
    public void close() {
        sides.values().forEach(S3Clients::close);
        sides.clear();
    }
}
