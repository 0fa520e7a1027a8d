package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import io.s3replicator.store.ArchiveRestore;
import io.s3replicator.store.Capabilities;
import io.s3replicator.store.CredentialSource;
import io.s3replicator.store.EndpointSpec;
import io.s3replicator.store.Provider;
import io.s3replicator.store.S3Location;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;

/**
 * Parses {@code s3://bucket[/prefix][?option=value&...]}; the per-side options are {@link #OPTIONS}
 * (provider, endpoint, region, credentials, ... see the README).
 *
 * <p>The path is a folder: a non-empty prefix always ends in '/', as with rclone and
 * {@code aws s3 sync}. Prefix characters are taken literally (no percent-decoding), so a
 * prefix can hold '%' and '+'; only the query options are URL-decoded.
 */
public final class S3Uri {
    private static final Pattern ENV_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)([smh])");
    private static final Pattern STORAGE_CLASS = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");

    private S3Uri() {
    }

    public static S3Location parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigException(field, "is required (expected s3://bucket[/prefix])");
        }
        if (!text.startsWith("s3://")) {
            throw new ConfigException(field, "'" + text + "' is not an s3:// URI (expected s3://bucket[/prefix])");
        }
        String rest = text.substring("s3://".length());
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new ConfigException(field, "'" + text + "' has no valid bucket name (expected s3://bucket[/prefix])");
        }
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        EndpointSpec endpoint = EndpointSpec.AWS_DEFAULT;
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                if (!OPTIONS.contains(name)) {
                    throw new ConfigException(field, "unknown option '" + name + "' (known: " + String.join(", ", OPTIONS) + ")");
                }
                endpoint = option(endpoint, field + "." + name, name, value);
            }
        }
        return new S3Location(bucket, prefix, endpoint);
    }

    /** Every per-side option, by its query name; the CLI has {@code --source-X} / {@code --dest-X} for each. */
    public static final List<String> OPTIONS = Stream.concat(Stream.of("provider", "endpoint", "region",
            "pathStyle", "checksum", "profile", "credentials", "secretRegion", "secretEndpoint", "secretRefresh",
            "roleArn", "externalId", "roleSessionName", "stsEndpoint", "storageClass", "acl", "sse", "sseKmsKeyId",
            "requesterPays", "identity", "restore"), Capabilities.OPTIONS.stream()).toList();

    /**
     * Applies one per-side option, validating its value; {@code field} names it in errors
     * ({@code routeId.source.region} from a URI, {@code --source-region} from the CLI).
     */
    public static EndpointSpec option(EndpointSpec spec, String field, String name, String value) {
        CredentialSource c = spec.credentials();
        return switch (name) {
            case "provider" -> spec.withProvider(Provider.parse(field, nonEmpty(field, value)));
            case "endpoint" -> spec.withEndpoint(endpointUrl(field, value));
            case "region" -> spec.withRegion(token(field, value));
            case "pathStyle" -> spec.withPathStyle(bool(field, value));
            case "checksum" -> spec.withChecksum(checksum(field, value));
            case "profile" -> spec.withProfile(nonEmpty(field, value));
            case "credentials" -> spec.withCredentials(credentials(field, c, value));
            case "secretRegion" -> spec.withCredentials(c.withSecretRegion(token(field, value)));
            case "secretEndpoint" -> spec.withCredentials(c.withSecretEndpoint(endpointUrl(field, value)));
            case "secretRefresh" -> spec.withCredentials(c.withSecretRefresh(duration(field, value)));
            case "roleArn" -> spec.withCredentials(c.withRoleArn(nonEmpty(field, value)));
            case "externalId" -> spec.withCredentials(c.withExternalId(nonEmpty(field, value)));
            case "roleSessionName" -> spec.withCredentials(c.withRoleSessionName(sessionName(field, value)));
            case "stsEndpoint" -> spec.withCredentials(c.withStsEndpoint(endpointUrl(field, value)));
            case "storageClass" -> spec.withWrite(spec.write().withStorageClass(storageClass(field, value)));
            case "acl" -> spec.withWrite(spec.write().withAcl(acl(field, value)));
            case "sse" -> spec.withWrite(spec.write().withSse(sse(field, value)));
            case "sseKmsKeyId" -> spec.withWrite(spec.write().withKmsKeyId(nonEmpty(field, value)));
            case "requesterPays" -> spec.withRequesterPays(bool(field, value));
            case "identity" -> spec.withIdentity(nonEmpty(field, value));
            case "restore" -> spec.withRestore(ArchiveRestore.parse(field, nonEmpty(field, value)));
            case "tagging", "taggingCount", "conditionalWrites", "multipartEtag", "sortedListing", "serverSideCopy",
                 "storageClasses" -> spec.withCapability(field, name, value);
            default -> throw new ConfigException(field, "unknown option '" + name + "'");
        };
    }

    private static CredentialSource credentials(String field, CredentialSource c, String value) {
        int colon = value.indexOf(':');
        String kind = colon < 0 ? value : value.substring(0, colon);
        String ref = colon < 0 ? "" : value.substring(colon + 1);
        return switch (kind) {
            case "default" -> c.withKind(CredentialSource.Kind.DEFAULT, null);
            case "profile" -> c.withKind(CredentialSource.Kind.PROFILE, nonEmpty(field, ref));
            case "env" -> {
                if (!ENV_PREFIX.matcher(ref).matches()) {
                    throw new ConfigException(field, "'" + value + "' needs an environment variable prefix"
                            + " (env:PREFIX reads PREFIX_ACCESS_KEY_ID and PREFIX_SECRET_ACCESS_KEY)");
                }
                yield c.withKind(CredentialSource.Kind.ENV, ref);
            }
            case "secret" -> c.withKind(CredentialSource.Kind.SECRET, nonEmpty(field, ref));
            default -> throw new ConfigException(field, "'" + value
                    + "' is not a credentials source (default, profile:NAME, env:PREFIX, secret:NAME-OR-ARN)");
        };
    }

    private static RequestChecksumCalculation checksum(String field, String value) {
        return switch (value.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "when_supported" -> RequestChecksumCalculation.WHEN_SUPPORTED;
            case "when_required" -> RequestChecksumCalculation.WHEN_REQUIRED;
            default -> throw new ConfigException(field, "'" + value + "' is not when_supported or when_required");
        };
    }

    /** 90s, 15m, 1h, or ISO-8601 (PT15M); at least one second. */
    public static Duration duration(String field, String value) {
        Duration d;
        try {
            Matcher m = SHORT_DURATION.matcher(value);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                d = Duration.parse(value);
            }
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new ConfigException(field, "'" + value + "' is not a duration (e.g. 90s, 15m, 1h)");
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(field, "'" + value + "' must be at least 1s");
        }
        return d;
    }

    private static String storageClass(String field, String value) {
        if (!STORAGE_CLASS.matcher(value).matches()) {
            throw new ConfigException(field, "'" + value + "' is not a storage class (e.g. STANDARD, STANDARD_IA, GLACIER_IR)");
        }
        return value;
    }

    private static String acl(String field, String value) {
        if (!value.equals("none") && ObjectCannedACL.fromValue(value) == ObjectCannedACL.UNKNOWN_TO_SDK_VERSION) {
            throw new ConfigException(field, "'" + value + "' is not a canned ACL (private, bucket-owner-full-control,"
                    + " bucket-owner-read, public-read, authenticated-read, ... or none)");
        }
        return value;
    }

    private static String sse(String field, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "aes256", "s3", "sse-s3" -> "AES256";
            case "aws:kms", "kms", "sse-kms" -> "aws:kms";
            default -> throw new ConfigException(field, "'" + value + "' is not AES256 (SSE-S3) or aws:kms (SSE-KMS)");
        };
    }

    private static String sessionName(String field, String value) {
        if (!SESSION_NAME.matcher(value).matches()) {
            throw new ConfigException(field, "'" + value + "' is not a role session name (2-64 of A-Z a-z 0-9 =,.@-_)");
        }
        return value;
    }

    private static String token(String field, String value) {
        String v = nonEmpty(field, value);
        if (!REGION.matcher(v).matches()) {
            throw new ConfigException(field, "'" + value + "' is not a region name");
        }
        return v;
    }

    /** An endpoint override: an absolute http(s) URL. */
    public static URI endpointUrl(String field, String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new ConfigException(field, "'" + text + "' is not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(field, "'" + text + "' is not a URL: " + e.getReason());
        }
    }

    public static boolean bool(String field, String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "", "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new ConfigException(field, "'" + text + "' is not true or false");
        };
    }

    private static String nonEmpty(String field, String text) {
        if (text.isBlank()) {
            throw new ConfigException(field, "is empty");
        }
        return text;
    }
}
