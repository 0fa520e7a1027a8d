package io.s3replicator.testing;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.ServerSocket;
import java.net.URI;

/**
 * DynamoDB Local in this JVM (real emulators, no Docker), in memory. Started once per JVM and
 * shared; tests use their own table names.
 */
public final class DynamoDbLocal {
    private static DynamoDBProxyServer server;
    private static String endpoint;

    private DynamoDbLocal() {
    }

    public static synchronized String endpoint() {
        if (server == null) {
            try {
                int port;
                try (ServerSocket probe = new ServerSocket(0)) {
                    port = probe.getLocalPort();
                }
                server = ServerRunner.createServerFromCommandLineArgs(new String[] {"-inMemory", "-port", String.valueOf(port)});
                server.start();
                endpoint = "http://127.0.0.1:" + port;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start DynamoDB Local", e);
            }
        }
        return endpoint;
    }

    public static DynamoDbClient client() {
        return DynamoDbClient.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }
}
