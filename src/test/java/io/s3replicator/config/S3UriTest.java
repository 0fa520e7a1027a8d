package io.s3replicator.config;

import io.s3replicator.storage.S3Location;
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
        assertThat(l.endpoint().pathStyle()).isFalse();
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
        assertThatThrownBy(() -> S3Uri.parse("source", "s3://b1?colour=red")).hasMessage(
                "source: unknown option 'colour' (known: endpoint, region, pathStyle, profile)");
        assertThatThrownBy(() -> S3Uri.parse("source", "s3://b1?endpoint=ftp://x")).hasMessage(
                "source.endpoint: 'ftp://x' is not an http(s) URL");
        assertThatThrownBy(() -> S3Uri.parse("source", "s3://b1?pathStyle=maybe")).hasMessage(
                "source.pathStyle: 'maybe' is not true or false");
    }
}
