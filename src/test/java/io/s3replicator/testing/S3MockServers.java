package io.s3replicator.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Two S3Mock instances in this JVM, modelling two accounts: server-side copy cannot cross
 * them. Started once per JVM and shared; tests use their own buckets.
 */
public final class S3MockServers {
    /** Held so the JUL level sticks (JUL keeps loggers weakly). */
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");
    private static S3MockApplication first;
    private static S3MockApplication second;

    private S3MockServers() {
    }

    public static synchronized String sourceEndpoint() {
        start();
        return "http://127.0.0.1:" + first.getHttpPort();
    }

    public static synchronized String destinationEndpoint() {
        start();
        return "http://127.0.0.1:" + second.getHttpPort();
    }

    public static S3Client client(String endpoint) {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    private static void start() {
        if (first == null) {
            first = startOne("source");
            second = startOne("destination");
        }
    }

    public static S3MockApplication startOne(String name) {
        try {
            // Keep Spring Boot away from logging: it would reset logback on stop, and log noise after.
            System.setProperty("org.springframework.boot.logging.LoggingSystem", "none");
            TOMCAT_LOG.setLevel(java.util.logging.Level.WARNING);
            Path root = Files.createTempDirectory("s3mock-" + name);
            root.toFile().deleteOnExit();
            Map<String, Object> props = new HashMap<>();
            props.put(S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT);
            props.put(S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT);
            props.put(S3MockApplication.PROP_ROOT_DIRECTORY, root.toString());
            props.put(S3MockApplication.PROP_SILENT, true);
            props.put("spring.main.banner-mode", "off");
            // Stopped explicitly; a JVM shutdown hook would run after exec:java closed its class loader.
            props.put("spring.main.register-shutdown-hook", false);
            // Our application.properties shadows S3Mock's on the test classpath: give its settings here.
            props.put("spring.config.name", "s3mock-not-ours");
            props.put("com.adobe.testing.s3mock.region", "us-east-1");
            props.put("spring.jmx.enabled", false);
            props.put("spring.main.lazy-initialization", true);
            props.put("server.tomcat.max-swallow-size", "10MB");
            return S3MockApplication.start(props);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start S3Mock", e);
        }
    }
}
