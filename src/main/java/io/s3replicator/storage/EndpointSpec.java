package io.s3replicator.storage;

import java.net.URI;
import java.util.Objects;

/**
 * Where and as whom one side of a pair talks S3: endpoint override (null = AWS), region
 * (null = provider chain), addressing style and credentials profile (null = default chain).
 */
public record EndpointSpec(URI endpoint, String region, boolean pathStyle, String profile) {

    public static final EndpointSpec AWS_DEFAULT = new EndpointSpec(null, null, false, null);

    public EndpointSpec withEndpoint(URI value) {
        return new EndpointSpec(value, region, pathStyle, profile);
    }

    public EndpointSpec withRegion(String value) {
        return new EndpointSpec(endpoint, value, pathStyle, profile);
    }

    public EndpointSpec withPathStyle(boolean value) {
        return new EndpointSpec(endpoint, region, value, profile);
    }

    public EndpointSpec withProfile(String value) {
        return new EndpointSpec(endpoint, region, pathStyle, value);
    }

    /**
     * True when one credential reaches both sides on one service, so the store can copy
     * server-side (CopyObject) instead of relaying bytes through this process.
     */
    public boolean sameServiceAndCredentials(EndpointSpec other) {
        return Objects.equals(endpoint, other.endpoint) && Objects.equals(profile, other.profile);
    }

    /** What to print: the endpoint, never credentials. */
    public String describe() {
        return endpoint != null ? endpoint.toString() : "AWS" + (region != null ? " " + region : "");
    }
}
