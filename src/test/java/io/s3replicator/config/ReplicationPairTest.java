package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationPairTest {
    static ReplicationPair pair(String source, String destination) {
        return new ReplicationPair("p", S3Uri.parse("source", source), S3Uri.parse("destination", destination),
                KeyFilter.ALL, false);
    }

    @Test
    void the_destination_prefix_replaces_the_source_prefix() {
        ReplicationPair p = pair("s3://src/logs", "s3://dst/archive/2026/");
        assertThat(p.destinationKey("logs/a/b.txt")).isEqualTo("archive/2026/a/b.txt");
        assertThat(p.relativeKey("logs/a/b.txt")).isEqualTo("a/b.txt");
    }

    @Test
    void keys_with_leading_slashes_and_dot_segments_map_unchanged() {
        // S3Mock rejects such keys, so their mapping is checked here rather than end to end.
        ReplicationPair whole = pair("s3://src", "s3://dst");
        assertThat(whole.destinationKey("/leading")).isEqualTo("/leading");
        assertThat(whole.destinationKey("//double//slash")).isEqualTo("//double//slash");
        assertThat(whole.destinationKey("a/../b")).isEqualTo("a/../b");
        ReplicationPair prefixed = pair("s3://src", "s3://dst/copy");
        assertThat(prefixed.destinationKey("/leading")).isEqualTo("copy//leading");
    }

    @Test
    void server_side_copy_needs_one_endpoint_and_one_credential() {
        assertThat(pair("s3://a1?endpoint=http://h:1", "s3://b1?endpoint=http://h:1").serverSideCopy()).isTrue();
        assertThat(pair("s3://a1?endpoint=http://h:1", "s3://b1?endpoint=http://h:2").serverSideCopy()).isFalse();
        assertThat(pair("s3://a1?profile=x", "s3://b1?profile=y").serverSideCopy()).isFalse();
    }

    @Test
    void a_pair_that_copies_into_itself_is_refused() {
        assertThatThrownBy(() -> pair("s3://a1/x", "s3://a1/x/y")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("overlaps the source");
        assertThat(pair("s3://a1/x", "s3://a1/y").destinationKey("x/k")).isEqualTo("y/k");
    }
}
