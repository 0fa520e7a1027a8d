package io.s3replicator.store;

import io.s3replicator.config.S3Uri;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class S3ErrorsTest {
    final S3Location location = S3Uri.parse("destination", "s3://bucket-b/x?endpoint=http://127.0.0.1:9");

    @Test
    void missing_credentials_become_one_short_line_saying_what_to_do() {
        // The SDK's own failure, from a chain of real providers that all find nothing: its message
        // names every provider and why it failed, on one long line. The build sets aws.accessKeyId
        // and aws.secretAccessKey (S3Mock needs some keys): cleared here, put back after.
        SdkClientException e;
        String accessKey = System.clearProperty("aws.accessKeyId");
        String secretKey = System.clearProperty("aws.secretAccessKey");
        try (AwsCredentialsProviderChain chain = AwsCredentialsProviderChain.of(
                SystemPropertyCredentialsProvider.create(),
                ProfileCredentialsProvider.builder().profileName("s3r-test-no-such-profile").build())) {
            e = catchThrowableOfType(SdkClientException.class, chain::resolveCredentials);
        } finally {
            restore("aws.accessKeyId", accessKey);
            restore("aws.secretAccessKey", secretKey);
        }
        assertThat(e).as("the chain found no credentials").isNotNull();
        assertThat(e.getMessage()).startsWith("Unable to load credentials");

        String line = S3Errors.describe("destination", location, e);
        assertThat(line).isEqualTo("destination: no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                + " use --dest-profile, or another credential source; see the README)");
    }

    private static void restore(String property, String value) {
        if (value != null) {
            System.setProperty(property, value);
        }
    }

    @Test
    void a_refused_connection_names_the_endpoint() {
        SdkClientException e = SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"));
        assertThat(S3Errors.describe("destination", location, e))
                .isEqualTo("destination endpoint http://127.0.0.1:9 is unreachable (Connection refused)");
    }

    @Test
    void a_redirect_names_the_region_the_bucket_is_in() {
        // What the SDK builds from AWS's bare 301 to a HEAD (StoreBehaviourTest checks it against a real 301).
        S3Exception e = (S3Exception) S3Exception.builder().statusCode(301).awsErrorDetails(AwsErrorDetails.builder()
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(301).putHeader("x-amz-bucket-region", "us-west-2")
                        .build()).build()).build();
        assertThat(S3Errors.describe("destination", location, e)).isEqualTo("destination s3://bucket-b/x/ at"
                + " http://127.0.0.1:9: the bucket is in region us-west-2 (set the destination region to us-west-2)");
        assertThat(S3Errors.describe(e)).isEqualTo("301: the bucket is in region us-west-2, the request was signed for"
                + " another");
    }
}
