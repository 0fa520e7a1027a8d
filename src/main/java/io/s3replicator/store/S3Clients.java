package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

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

    private final Map<EndpointSpec, Side> sides = new ConcurrentHashMap<>();
    private final Map<EndpointSpec, WriterIdentity> identities = new ConcurrentHashMap<>();
    private final int maxConnections;
    private final SideCredentials credentials;
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
        this.credentials = new SideCredentials(env);
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
        String partition = c.roleArn() != null ? SideCredentials.arnPartition(c.roleArn()) : s.resolved.partition();
        try (StsClient sts = SideCredentials.sts(SideCredentials.stsRegion(spec, partition), c.stsEndpoint(), s.credentials)) {
            GetCallerIdentityResponse me = sts.getCallerIdentity();
            WriterIdentity identity = new WriterIdentity(me.userId(), me.arn(), me.account(), "sts");
            identities.put(spec, identity);
            return identity;
        } catch (SdkException e) {
            throw new ConfigException(SideCredentials.flag(side) + "-identity", "STS GetCallerIdentity failed: " + S3Errors.describe(e)
                    + " (set the " + side + " identity to the principal id the replicator writes as)", e);
        }
    }

    private Side build(String side, EndpointSpec spec) {
        Provider.Resolved resolved = spec.effectiveProvider().resolve(SideCredentials.flag(side), spec);
        Region region = resolved.signingRegion() != null ? resolved.signingRegion() : region(side, spec);
        List<SdkAutoCloseable> closeables = new ArrayList<>();
        try {
            AwsCredentialsProvider credentials = this.credentials.of(side, spec, region, resolved, closeables);
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
            throw new ConfigException(SideCredentials.flag(side) + "-region",
                    "no region configured: pass --" + SideCredentials.flag(side) + "-region or set AWS_REGION");
        }
    }

    private static void close(Side side) {
        side.client.close();
        side.closeables.forEach(SdkAutoCloseable::close);
    }

    @Override
    public void close() {
        sourceTags.close();
        sides.values().forEach(S3Clients::close);
        sides.clear();
    }
}
