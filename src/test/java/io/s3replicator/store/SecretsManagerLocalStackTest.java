package io.s3replicator.store;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Secrets Manager credential source against LocalStack's real implementation. Needs a
 * Docker engine; without one it is skipped, and CredentialSourcesTest covers the same paths
 * through an in-test server speaking the Secrets Manager protocol.
 */
@Testcontainers(disabledWithoutDocker = true)
class SecretsManagerLocalStackTest {
    @Container
    static final LocalStackContainer LOCALSTACK = new LocalStackContainer(
            DockerImageName.parse("localstack/localstack:4.7.0"))
            .withServices(LocalStackContainer.Service.SECRETSMANAGER);

    @Test
    void keys_are_read_from_a_secret_in_the_reference_format_and_follow_its_rotation() throws Exception {
        try (SecretsManagerClient sm = SecretsManagerClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            sm.createSecret(r -> r.name("dth-credentials")
                    .secretString("{\"access_key_id\":\"AKIAFIRST\",\"secret_access_key\":\"first-secret\"}"));
            try (var provider = new SecretCredentialsProvider("dth-credentials", sm, Duration.ofSeconds(1),
                    Clock.systemUTC())) {
                AwsCredentials first = provider.resolveCredentials();
                assertThat(first.accessKeyId()).isEqualTo("AKIAFIRST");
                assertThat(first.secretAccessKey()).isEqualTo("first-secret");

                sm.putSecretValue(r -> r.secretId("dth-credentials")
                        .secretString("{\"access_key_id\":\"AKIASECOND\",\"secret_access_key\":\"second-secret\"}"));
                Thread.sleep(1_100); // past the refresh period
                assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIASECOND");
            }
        }
    }
}
