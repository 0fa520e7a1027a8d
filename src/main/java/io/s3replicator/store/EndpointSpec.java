package io.s3replicator.store;

import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;

import java.net.URI;
import java.util.Objects;

/**
 * Where and as whom one side of a pair talks S3. Holds no key material (see
 * {@link CredentialSource}), so it may be logged and used as a cache key.
 *
 * @param provider      store preset; null = aws, or custom when an endpoint is given
 * @param endpoint      endpoint override (null = the preset's)
 * @param region        region (null = preset default / provider chain)
 * @param pathStyle     addressing style (null = preset default)
 * @param checksum      request checksum calculation (null = preset default)
 * @param credentials   where keys come from
 * @param write         options for objects written to this side
 * @param requesterPays send x-amz-request-payer (reading a requester-pays source)
 * @param identity      the principal id this side writes as, if configured (else looked up with STS)
 * @param capabilities  capability overrides by option name ({@link Capabilities#OPTIONS}), over the preset's
 * @param restore       how archived objects read from this side are restored, or null to skip them
 */
public record EndpointSpec(Provider provider, URI endpoint, String region, Boolean pathStyle,
                           RequestChecksumCalculation checksum, CredentialSource credentials, WriteOptions write,
                           boolean requesterPays, String identity,
                           java.util.Map<String, String> capabilities, ArchiveRestore restore) {

    public static final EndpointSpec AWS_DEFAULT = new EndpointSpec(null, null, null, null, null,
            CredentialSource.DEFAULT, WriteOptions.NONE, false, null, java.util.Map.of(), null);

    /** The preset in force: explicit, else custom for an endpoint override, else AWS. */
    public Provider effectiveProvider() {
        return provider != null ? provider : endpoint != null ? Provider.CUSTOM : Provider.AWS;
    }

    public EndpointSpec withProvider(Provider value) {
        return new EndpointSpec(value, endpoint, region, pathStyle, checksum, credentials, write, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withEndpoint(URI value) {
        return new EndpointSpec(provider, value, region, pathStyle, checksum, credentials, write, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withRegion(String value) {
        return new EndpointSpec(provider, endpoint, value, pathStyle, checksum, credentials, write, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withPathStyle(Boolean value) {
        return new EndpointSpec(provider, endpoint, region, value, checksum, credentials, write, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withChecksum(RequestChecksumCalculation value) {
        return new EndpointSpec(provider, endpoint, region, pathStyle, value, credentials, write, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withCredentials(CredentialSource value) {
        return new EndpointSpec(provider, endpoint, region, pathStyle, checksum, value, write, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withWrite(WriteOptions value) {
        return new EndpointSpec(provider, endpoint, region, pathStyle, checksum, credentials, value, requesterPays, identity,
                capabilities, restore);
    }

    public EndpointSpec withRequesterPays(boolean value) {
        return new EndpointSpec(provider, endpoint, region, pathStyle, checksum, credentials, write, value, identity,
                capabilities, restore);
    }

    public EndpointSpec withIdentity(String value) {
        return new EndpointSpec(provider, endpoint, region, pathStyle, checksum, credentials, write, requesterPays, value,
                capabilities, restore);
    }

    /** One capability override, validated ({@link Capabilities#checked}); {@code field} names it in errors. */
    public EndpointSpec withCapability(String field, String name, String value) {
        var all = new java.util.TreeMap<>(capabilities);
        all.put(name, Capabilities.checked(field, name, value));
        return new EndpointSpec(provider, endpoint, region, pathStyle, checksum, credentials, write, requesterPays,
                identity, java.util.Collections.unmodifiableMap(all), restore);
    }

    public EndpointSpec withRestore(ArchiveRestore value) {
        return new EndpointSpec(provider, endpoint, region, pathStyle, checksum, credentials, write, requesterPays, identity,
                capabilities, value);
    }

    /** What this side's store supports: the preset's, with this side's overrides. */
    public Capabilities effectiveCapabilities() {
        return effectiveProvider().capabilities().with(capabilities);
    }

    /** Shorthand kept from the first release: {@code profile=P} is {@code credentials=profile:P}. */
    public EndpointSpec withProfile(String value) {
        return withCredentials(credentials.withKind(CredentialSource.Kind.PROFILE, value));
    }

    public String profile() {
        return credentials.kind() == CredentialSource.Kind.PROFILE ? credentials.ref() : null;
    }

    /**
     * True when one credential reaches both sides on one service, so the store can copy
     * server-side (CopyObject) instead of relaying bytes through this process. A
     * requester-pays source needs its header on the copy, which the destination's client
     * sends only if it is requester-pays too.
     */
    public boolean sameServiceAndCredentials(EndpointSpec other) {
        return effectiveProvider() == other.effectiveProvider() && Objects.equals(endpoint, other.endpoint)
                && Objects.equals(credentials, other.credentials)
                && (!requesterPays || other.requesterPays)
                && (effectiveProvider() != Provider.AWS
                    || Objects.equals(Provider.partitionOf(region), Provider.partitionOf(other.region)));
    }

    /** What to print: the store and endpoint, never credentials. */
    public String describe() {
        Provider p = effectiveProvider();
        if (endpoint != null) {
            return endpoint.toString();
        }
        if (p == Provider.AWS) {
            return "AWS" + (region != null ? " " + region : "");
        }
        return p.title() + (region != null ? " " + region : "");
    }
}
