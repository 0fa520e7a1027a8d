package io.s3replicator.config;

import io.s3replicator.store.S3Location;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3UriTest {
    @Test
    void bucket_alone_has_an_empty_prefix_and_aws_defaults() {
        S3Location l = S3Uri.parse("source", "s3://my-bucket");
        assertThat(l.bucket()).isEqualTo("my-bucket");
        assertThat(l.prefix()).isEmpty();
        assertThat(l.endpoint().endpoint()).isNull();
        assertThat(l.endpoint().pathStyle()).as("unset: the provider preset decides").isNull();
    }

    @Test
    void the_path_is_a_folder_taken_literally() {
        assertThat(S3Uri.parse("source", "s3://b1/logs").prefix()).isEqualTo("logs/");
        assertThat(S3Uri.parse("source", "s3://b1/logs/").prefix()).isEqualTo("logs/");
        assertThat(S3Uri.parse("source", "s3://b1/a%20b+c").prefix()).isEqualTo("a%20b+c/");
        assertThat(S3Uri.parse("source", "s3://b1//lead").prefix()).isEqualTo("/lead/");
    }

    @Test
    void query_options_set_the_endpoint() {
        S3Location l = S3Uri.parse("source",
                "s3://cn-data/logs/?endpoint=https%3A%2F%2Fs3.cn-north-1.amazonaws.com.cn&region=cn-north-1&pathStyle=true&profile=china");
        assertThat(l.endpoint().endpoint()).isEqualTo(URI.create("https://s3.cn-north-1.amazonaws.com.cn"));
        assertThat(l.endpoint().region()).isEqualTo("cn-north-1");
        assertThat(l.endpoint().pathStyle()).isTrue();
        assertThat(l.endpoint().profile()).isEqualTo("china");
    }

    @Test
    void bad_uris_name_the_field_and_the_problem() {
        assertThatThrownBy(() -> S3Uri.parse("source", "gs://x")).hasMessage(
                "source: 'gs://x' is not an s3:// URI (expected s3://bucket[/prefix])");
        assertThatThrownBy(() -> S3Uri.parse("destination", "")).hasMessage(
                "destination: is required (expected s3://bucket[/prefix])");
        assertThatThrownBy(() -> S3Uri.parse("source", "s3://b1?colour=red")).hasMessageStartingWith(
                "source: unknown option 'colour' (known: provider, endpoint, region, pathStyle, checksum, profile, credentials,");
        assertThatThrownBy(() -> S3Uri.parse("source", "s3://b1?endpoint=ftp://x")).hasMessage(
                "source.endpoint: 'ftp://x' is not an http(s) URL");
        assertThatThrownBy(() -> S3Uri.parse("source", "s3://b1?pathStyle=maybe")).hasMessage(
                "source.pathStyle: 'maybe' is not true or false");
    }

    @Test
    void endpoint_and_credential_options_are_parsed_and_validated() {
        var spec = S3Uri.parse("p.source", "s3://cn-data/logs/?provider=aws&region=cn-north-1"
                + "&credentials=secret:arn%3Aaws%3Asecretsmanager%3Aus-west-2%3A123456789012%3Asecret%3Adth-cn"
                + "&secretRefresh=5m&roleArn=arn:aws-cn:iam::123456789012:role/r&externalId=e1&roleSessionName=pair-a"
                + "&storageClass=STANDARD_IA&acl=none&sseKmsKeyId=alias/rep&requesterPays=true&identity=AIDAX"
                + "&checksum=when-required").endpoint();
        assertThat(spec.effectiveProvider()).isEqualTo(io.s3replicator.store.Provider.AWS);
        assertThat(spec.credentials().kind()).isEqualTo(io.s3replicator.store.CredentialSource.Kind.SECRET);
        assertThat(spec.credentials().ref()).isEqualTo("arn:aws:secretsmanager:us-west-2:123456789012:secret:dth-cn");
        assertThat(spec.credentials().secretRefresh()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(spec.credentials().roleArn()).isEqualTo("arn:aws-cn:iam::123456789012:role/r");
        assertThat(spec.write()).isEqualTo(new io.s3replicator.store.WriteOptions("STANDARD_IA", "none", "aws:kms", "alias/rep"));
        assertThat(spec.write().effectiveAcl(spec.effectiveProvider())).isNull();
        assertThat(spec.requesterPays()).isTrue();
        assertThat(spec.identity()).isEqualTo("AIDAX");
        assertThat(spec.toString()).doesNotContain("e1,").contains("secret arn:aws:secretsmanager");
        assertThat(S3Uri.parse("d", "s3://b1?region=us-east-1").endpoint().write().effectiveAcl(
                io.s3replicator.store.Provider.AWS)).isEqualTo("bucket-owner-full-control");
        assertThat(S3Uri.parse("d", "s3://b1?endpoint=http://m:9000").endpoint().write().effectiveAcl(
                io.s3replicator.store.Provider.CUSTOM)).isNull();

        assertThatThrownBy(() -> S3Uri.parse("p.source", "s3://b1?credentials=keys:abc")).hasMessage(
                "p.source.credentials: 'keys:abc' is not a credentials source (default, profile:NAME, env:PREFIX, secret:NAME-OR-ARN)");
        assertThatThrownBy(() -> S3Uri.parse("p.source", "s3://b1?secretRefresh=soon")).hasMessage(
                "p.source.secretRefresh: 'soon' is not a duration (e.g. 90s, 15m, 1h)");
        assertThatThrownBy(() -> S3Uri.parse("p.destination", "s3://b1?acl=everyone")).hasMessageStartingWith(
                "p.destination.acl: 'everyone' is not a canned ACL");
        assertThatThrownBy(() -> S3Uri.parse("p.destination", "s3://b1?checksum=sometimes")).hasMessage(
                "p.destination.checksum: 'sometimes' is not when_supported or when_required");
        assertThatThrownBy(() -> S3Uri.parse("p.source", "s3://b1?provider=b2")).hasMessage(
                "p.source.provider: unknown provider 'b2' (known: aws, oss, cos, kodo, gcs, minio, custom)");
    }
}
