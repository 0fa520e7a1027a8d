package io.s3replicator.store;

import io.s3replicator.model.ConfigException;
import io.s3replicator.config.S3Uri;
import io.s3replicator.testing.AwsApiServer;
import io.s3replicator.testing.RecordedRequests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Credential sources through real SDK clients against a loopback Secrets Manager / STS / S3 endpoint. */
class CredentialSourcesTest {
    static AwsApiServer aws;
    S3Clients clients;

    @BeforeAll
    static void server() throws Exception {
        aws = new AwsApiServer();
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @BeforeEach
    void setUp() {
        clients = new S3Clients(2, Map.of("BASE_ACCESS_KEY_ID", "AKIDBASE", "BASE_SECRET_ACCESS_KEY", "base-secret")::get,
                List.of());
        RecordedRequests.start();
    }

    @AfterEach
    void tearDown() {
        RecordedRequests.stop();
        clients.close();
    }

    private EndpointSpec gate(String options) {
        return S3Uri.parse("source", "s3://gate?endpoint=" + aws.endpoint() + "&secretEndpoint=" + aws.endpoint()
                + "&stsEndpoint=" + aws.endpoint() + "&secretRegion=us-east-1&" + options).endpoint();
    }

    private static String secret(String id, String key) {
        return "{\"access_key_id\": \"" + id + "\", \"secret_access_key\": \"" + key + "\"}";
    }

    @Test
    void s3_requests_are_signed_with_the_keys_in_the_secret() {
        aws.putSecret("dth-cn", secret("AKIDFROMSECRET1", "s3cr3t-value-one"));
        aws.acceptS3Key("AKIDFROMSECRET1");
        clients.client("source", gate("credentials=secret:dth-cn")).headBucket(b -> b.bucket("gate"));
        var s3Calls = RecordedRequests.sent().stream().filter(s -> "HeadBucket".equals(s.operation())).toList();
        assertThat(s3Calls).extracting(RecordedRequests.Sent::accessKeyId).containsExactly("AKIDFROMSECRET1");
        // The secret itself was read over the Secrets Manager JSON protocol, signed by the default chain.
        var read = RecordedRequests.sent().stream().filter(s -> "GetSecretValue".equals(s.operation())).findFirst().orElseThrow();
        assertThat(read.header("x-amz-target")).isEqualTo("secretsmanager.GetSecretValue");
        assertThat(read.accessKeyId()).isEqualTo("test-access-key");
    }

    @Test
    void a_missing_secret_or_field_is_a_configuration_error_naming_side_and_field() {
        assertThatThrownBy(() -> clients.client("source", gate("credentials=secret:no-such-secret")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("source-credentials: secret 'no-such-secret' does not exist");
        aws.putSecret("half", "{\"access_key_id\": \"AKIDHALF\"}");
        assertThatThrownBy(() -> clients.client("destination", gate("credentials=secret:half")))
                .hasMessage("dest-credentials: secret 'half' lacks the field 'secret_access_key'");
        aws.putSecret("not-json", "plain-text-secret-value-xyz");
        assertThatThrownBy(() -> clients.client("source", gate("credentials=secret:not-json")))
                .hasMessage("source-credentials: secret 'not-json' is not a JSON object with access_key_id and secret_access_key")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("plain-text-secret-value-xyz"));
    }

    @Test
    void a_403_reads_the_rotated_secret_and_the_next_request_succeeds_without_a_new_client() throws Exception {
        aws.putSecret("rotating", secret("AKIDROTATE1", "rotate-secret-one"));
        aws.acceptS3Key("AKIDROTATE1");
        var spec = gate("credentials=secret:rotating&secretRefresh=1h");
        var s3 = clients.client("source", spec);
        s3.headBucket(b -> b.bucket("gate"));

        aws.putSecret("rotating", secret("AKIDROTATE2", "rotate-secret-two"));
        aws.acceptS3Key("AKIDROTATE2");
        aws.revokeS3Key("AKIDROTATE1");
        Thread.sleep(1100); // past the guard that keeps a burst of 403s from re-reading the secret per request
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("gate")))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        s3.headBucket(b -> b.bucket("gate"));

        assertThat(clients.client("source", spec)).isSameAs(s3);
        assertThat(RecordedRequests.sent().stream().filter(s -> "HeadBucket".equals(s.operation()))
                .map(RecordedRequests.Sent::accessKeyId)).containsExactly("AKIDROTATE1", "AKIDROTATE1", "AKIDROTATE2");
    }

    @Test
    void keys_are_read_again_after_the_refresh_period_and_kept_when_the_read_fails() {
        aws.putSecret("periodic", secret("AKIDPERIOD1", "period-secret-one"));
        MutableClock clock = new MutableClock();
        SecretsManagerClient sm = SecretsManagerClient.builder().endpointOverride(URI.create(aws.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
        try (var provider = new SecretCredentialsProvider("periodic", sm, Duration.ofMinutes(10), clock)) {
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDPERIOD1");
            aws.putSecret("periodic", secret("AKIDPERIOD2", "period-secret-two"));
            clock.advance(Duration.ofMinutes(9));
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDPERIOD1");
            clock.advance(Duration.ofMinutes(2));
            assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDPERIOD2");

            aws.putSecret("periodic", "{\"access_key_id\": \"AKIDBROKEN\"}");
            clock.advance(Duration.ofMinutes(11));
            AwsCredentials kept = provider.resolveCredentials();
            assertThat(kept.accessKeyId()).isEqualTo("AKIDPERIOD2");
            assertThat(provider.toString()).doesNotContain("period-secret");

            // Fixed: read again 30 s after the failure, not a whole refresh period (10 min) later.
            aws.putSecret("periodic", secret("AKIDPERIOD3", "period-secret-three"));
            clock.advance(Duration.ofSeconds(29));
            assertThat(provider.resolveCredentials().accessKeyId()).as("before the retry").isEqualTo("AKIDPERIOD2");
            clock.advance(Duration.ofSeconds(2));
            assertThat(provider.resolveCredentials().accessKeyId()).as("after the retry").isEqualTo("AKIDPERIOD3");
        }
    }

    @Test
    void an_assumed_role_signs_with_session_keys_obtained_with_the_base_keys() {
        String role = "arn:aws:iam::123456789012:role/replicator-writer";
        aws.allowRole(role, "ext-42");
        var spec = gate("credentials=env:BASE&roleArn=" + role + "&externalId=ext-42&roleSessionName=pair-1");
        AwsCredentials session = clients.credentials("source", spec).resolveCredentials();
        assertThat(session).isInstanceOf(AwsSessionCredentials.class);
        assertThat(session.accessKeyId()).startsWith("ASIA");
        assertThat(aws.assumeRoleCallers).contains("AKIDBASE");

        aws.acceptS3Key(session.accessKeyId());
        clients.client("source", spec).headBucket(b -> b.bucket("gate"));
        var head = RecordedRequests.sent().stream().filter(s -> "HeadBucket".equals(s.operation())).findFirst().orElseThrow();
        assertThat(head.accessKeyId()).isEqualTo(session.accessKeyId());
        assertThat(head.header("x-amz-security-token")).startsWith("role-token-");

        // AWS provider (STS exists there): the identity the loop guard needs is the role session.
        var awsSpec = S3Uri.parse("source", "s3://b1?region=us-east-1&stsEndpoint=" + aws.endpoint()
                + "&credentials=env:BASE&roleArn=" + role + "&externalId=ext-42&roleSessionName=pair-1").endpoint();
        WriterIdentity me = clients.identity("source", awsSpec);
        assertThat(me.principalId()).isEqualTo("AROAEXAMPLEROLEID:pair-1");
        assertThat(me.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/replicator-writer/pair-1");
        assertThat(me.matches("AWS:AROAEXAMPLEROLEID:pair-1")).isTrue();
        assertThat(me.matches("AWS:AIDAEXAMPLEUSERID")).isFalse();
    }

    @Test
    void identity_is_configured_or_looked_up_with_the_sides_own_keys() {
        var looked = S3Uri.parse("source", "s3://b1?region=us-east-1&stsEndpoint=" + aws.endpoint()
                + "&credentials=env:BASE").endpoint();
        assertThat(clients.identity("source", looked)).isEqualTo(new WriterIdentity("AIDAEXAMPLEUSERID",
                "arn:aws:iam::123456789012:user/replicator", "123456789012", "sts"));
        var configured = S3Uri.parse("source", "s3://b1?endpoint=http://127.0.0.1:1&identity=AIDACONFIGURED").endpoint();
        assertThat(clients.identity("source", configured).principalId()).isEqualTo("AIDACONFIGURED");
        var compatible = S3Uri.parse("source", "s3://b1?endpoint=http://127.0.0.1:1").endpoint();
        assertThat(clients.identity("source", compatible)).isNull();
    }

    @Test
    void a_denied_assume_role_is_a_configuration_error_naming_the_role() {
        String role = "arn:aws:iam::123456789012:role/not-for-you";
        aws.denyRole(role);
        assertThatThrownBy(() -> clients.client("destination", gate("credentials=env:BASE&roleArn=" + role)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("dest-role-arn: AssumeRole " + role + " failed: 403 AccessDenied");
        String guarded = "arn:aws:iam::123456789012:role/needs-external-id";
        aws.allowRole(guarded, "right");
        assertThatThrownBy(() -> clients.client("source", gate("credentials=env:BASE&roleArn=" + guarded
                + "&externalId=wrong"))).hasMessageStartingWith("source-role-arn: AssumeRole " + guarded + " failed: 403");
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
