package io.s3replicator.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Keys kept in an AWS Secrets Manager secret as {@code {"access_key_id": ..., "secret_access_key": ...}}
 * (optionally {@code "session_token"}), the format the Data Transfer Hub uses. The keys are cached
 * and read again after {@code refresh}, or sooner after {@link #invalidate()} (an S3 403), so a
 * rotated secret is picked up without restarting anything. If a refresh fails the previous keys
 * stay in use and the read is retried shortly.
 *
 * <p>Neither the secret string nor the keys are ever put in a log line, an exception message or
 * {@link #toString()}: messages name the secret id and the field only.
 */
public class SecretCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
    static final String ACCESS_KEY_ID = "access_key_id";
    static final String SECRET_ACCESS_KEY = "secret_access_key";
    static final String SESSION_TOKEN = "session_token";
    /** A burst of 403s (many threads, one bad key) reads the secret once, not once per request. */
    private static final Duration MIN_READ_INTERVAL = Duration.ofSeconds(1);
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(SecretCredentialsProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String secretId;
    private final SecretsManagerClient client;
    private final Duration refresh;
    private final Clock clock;
    private volatile Cached cached;

    private record Cached(AwsCredentials credentials, String versionId, Instant readAt, Instant staleAt) {
    }

    public SecretCredentialsProvider(String secretId, SecretsManagerClient client, Duration refresh, Clock clock) {
        this.secretId = secretId;
        this.client = client;
        this.refresh = refresh;
        this.clock = clock;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Cached c = cached;
        if (c == null || !clock.instant().isBefore(c.staleAt)) {
            c = reload();
        }
        return c.credentials;
    }

    /** Marks the cached keys stale (they were just refused); the next request reads the secret. */
    public void invalidate() {
        Cached c = cached;
        if (c != null && clock.instant().isAfter(c.readAt.plus(MIN_READ_INTERVAL))) {
            synchronized (this) {
                if (cached == c) {
                    cached = new Cached(c.credentials, c.versionId, c.readAt, clock.instant());
                    LOG.info("secret {}: keys refused (403), reading the secret again", secretId);
                }
            }
        }
    }

    private synchronized Cached reload() {
        Cached c = cached;
        Instant now = clock.instant();
        if (c != null && now.isBefore(c.staleAt)) {
            return c;
        }
        try {
            GetSecretValueResponse response = client.getSecretValue(b -> b.secretId(secretId));
            AwsCredentials credentials = parse(secretId, response.secretString());
            if (c != null && !response.versionId().equals(c.versionId)) {
                LOG.info("secret {}: new version {} in use", secretId, response.versionId());
            }
            cached = new Cached(credentials, response.versionId(), now, now.plus(refresh));
            return cached;
        } catch (RuntimeException e) {
            SecretException failure = e instanceof SecretException s ? s : new SecretException(describe(secretId, e), e);
            if (c == null) {
                throw failure;
            }
            LOG.warn("secret {}: could not be read again ({}); keeping the previous keys", secretId, failure.getMessage());
            cached = new Cached(c.credentials, c.versionId, c.readAt, now.plus(RETRY_AFTER_FAILURE));
            return cached;
        }
    }

    static AwsCredentials parse(String secretId, String secretString) {
        if (secretString == null) {
            throw new SecretException("secret '" + secretId + "' has no SecretString (binary secrets are not supported)");
        }
        JsonNode json;
        try {
            json = JSON.readTree(secretString);
        } catch (IOException e) {
            // The parser's message quotes the text it choked on: never pass it on.
            throw new SecretException("secret '" + secretId + "' is not a JSON object with "
                    + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
        }
        if (json == null || !json.isObject()) {
            throw new SecretException("secret '" + secretId + "' is not a JSON object with "
                    + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY);
        }
        String id = field(secretId, json, ACCESS_KEY_ID);
        String secret = field(secretId, json, SECRET_ACCESS_KEY);
        JsonNode token = json.get(SESSION_TOKEN);
        if (token != null && token.isTextual() && !token.asText().isBlank()) {
            return AwsSessionCredentials.create(id, secret, token.asText());
        }
        return AwsBasicCredentials.create(id, secret);
    }

    private static String field(String secretId, JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new SecretException("secret '" + secretId + "' lacks the field '" + name + "'");
        }
        return value.asText();
    }

    private static String describe(String secretId, RuntimeException e) {
        if (e instanceof ResourceNotFoundException) {
            return "secret '" + secretId + "' does not exist";
        }
        if (e instanceof SdkException) {
            return "secret '" + secretId + "' could not be read: " + S3Errors.describe(e);
        }
        return "secret '" + secretId + "' could not be read: " + e.getClass().getSimpleName();
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "SecretCredentialsProvider(" + secretId + ")";
    }

    /** A secret that cannot be used; the message names the secret and field, never a value. */
    public static class SecretException extends RuntimeException {
        public SecretException(String message) {
            super(message);
        }

        public SecretException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
