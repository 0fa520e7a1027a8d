package io.s3replicator.storage;

import io.s3replicator.config.S3Uri;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class S3ErrorsTest {
    final S3Location location = S3Uri.parse("destination", "s3://bucket-b/x?endpoint=http://127.0.0.1:9");

    @Test
    void missing_credentials_become_one_short_line_saying_what_to_do() {
        // The SDK's own message names every provider of its chain on one line of ~1,500 characters.
        SdkClientException e = SdkClientException.create("Unable to load credentials from any of the providers in"
                + " the chain AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(), ...])");
        String line = S3Errors.describe("destination", location, e);
        assertThat(line).isEqualTo("destination: no credentials found (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                + " use --dest-profile, or another credential source; see the README)");
    }

    @Test
    void a_refused_connection_names_the_endpoint() {
        SdkClientException e = SdkClientException.create("Unable to execute HTTP request",
                new ConnectException("Connection refused"));
        assertThat(S3Errors.describe("destination", location, e))
                .isEqualTo("destination endpoint http://127.0.0.1:9 is unreachable (Connection refused)");
    }
}
