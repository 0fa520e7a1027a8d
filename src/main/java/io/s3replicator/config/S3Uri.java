package io.s3replicator.config;

import io.s3replicator.storage.EndpointSpec;
import io.s3replicator.storage.S3Location;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses {@code s3://bucket[/prefix][?endpoint=URL&region=R&pathStyle=true&profile=P]}.
 *
 * <p>The path is a folder: a non-empty prefix always ends in '/', as with rclone and
 * {@code aws s3 sync}. Prefix characters are taken literally (no percent-decoding), so a
 * prefix can hold '%' and '+'; only the query options are URL-decoded.
 */
public final class S3Uri {
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
                endpoint = switch (name) {
                    case "endpoint" -> endpoint.withEndpoint(endpointUrl(field + ".endpoint", value));
                    case "region" -> endpoint.withRegion(nonEmpty(field + ".region", value));
                    case "pathStyle" -> endpoint.withPathStyle(bool(field + ".pathStyle", value));
                    case "profile" -> endpoint.withProfile(nonEmpty(field + ".profile", value));
                    default -> throw new ConfigException(field, "unknown option '" + name
                            + "' (known: endpoint, region, pathStyle, profile)");
                };
            }
        }
        return new S3Location(bucket, prefix, endpoint);
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
