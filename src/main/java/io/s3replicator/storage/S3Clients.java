package io.s3replicator.storage;

import io.s3replicator.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds and caches one {@link S3Client} per {@link EndpointSpec}. Clients are thread-safe
 * and hold a connection pool, so every pair and worker thread on one endpoint shares one.
 */
public class S3Clients implements AutoCloseable {
    private final Map<EndpointSpec, S3Client> clients = new ConcurrentHashMap<>();
    private final int maxConnections;

    public S3Clients(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /**
     * @param side "source" or "destination": named in configuration errors
     */
    public S3Client client(String side, EndpointSpec spec) {
        S3Client existing = clients.get(spec);
        if (existing != null) {
            return existing;
        }
        // Build outside computeIfAbsent so a ConfigException leaves the map untouched.
        S3Client created = build(side, spec);
        S3Client raced = clients.putIfAbsent(spec, created);
        if (raced != null) {
            created.close();
            return raced;
        }
        return created;
    }

    private S3Client build(String side, EndpointSpec spec) {
        var builder = S3Client.builder()
                .region(region(side, spec))
                .credentialsProvider(credentials(side, spec))
                .forcePathStyle(spec.pathStyle())
                .httpClientBuilder(ApacheHttpClient.builder()
                        .maxConnections(maxConnections)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofMinutes(2)));
        if (spec.endpoint() != null) {
            builder.endpointOverride(spec.endpoint());
        }
        return builder.build();
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

    private static AwsCredentialsProvider credentials(String side, EndpointSpec spec) {
        if (spec.profile() == null) {
            return DefaultCredentialsProvider.builder().build();
        }
        if (ProfileFile.defaultProfileFile().profile(spec.profile()).isEmpty()) {
            throw new ConfigException(flag(side) + "-profile", "profile '" + spec.profile()
                    + "' is not in the AWS config or credentials file");
        }
        return ProfileCredentialsProvider.builder().profileName(spec.profile()).build();
    }

    /** The command-line spelling of a side: --source-x, --dest-x. */
    private static String flag(String side) {
        return side.equals("destination") ? "dest" : side;
    }

    @Override
    public void close() {
        clients.values().forEach(S3Client::close);
        clients.clear();
    }
}
