package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.S3MockServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Tagging;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyncCommandTest {
    static S3Client src;
    static S3Client dst;
    static String srcEndpoint;
    static String dstEndpoint;

    @TempDir
    Path state;

    @BeforeAll
    static void servers() {
        srcEndpoint = S3MockServers.sourceEndpoint();
        dstEndpoint = S3MockServers.destinationEndpoint();
        src = S3MockServers.client(srcEndpoint);
        dst = S3MockServers.client(dstEndpoint);
    }

    CliRun sync(String from, String to, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void first_sync_copies_everything_with_metadata_and_tags_and_second_copies_nothing() {
        String a = Buckets.create(src, "meta-src");
        String b = Buckets.create(dst, "meta-dst");
        Instant expires = Instant.parse("2030-01-01T00:00:00Z");
        src.putObject(r -> r.bucket(a).key("docs/report.txt").contentType("text/plain; charset=utf-8")
                        .contentEncoding("identity").contentLanguage("en-GB").contentDisposition("attachment; filename=\"r.txt\"")
                        .cacheControl("max-age=60").expires(expires).metadata(Map.of("owner", "ops", "x-note", "hello"))
                        .tagging(Tagging.builder().tagSet(Tag.builder().key("team").value("data").build(),
                                Tag.builder().key("tier").value("gold").build()).build()),
                RequestBody.fromString("the report"));
        Buckets.put(src, a, "plain.bin", "0123456789");

        CliRun first = sync("s3://" + a, "s3://" + b);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(2);
        assertThat(first.count("failed")).isZero();

        assertThat(Buckets.get(dst, b, "docs/report.txt")).isEqualTo("the report".getBytes());
        // The emulator normalises some headers on write; what matters is that both sides agree.
        HeadObjectResponse from = src.headObject(r -> r.bucket(a).key("docs/report.txt"));
        HeadObjectResponse head = dst.headObject(r -> r.bucket(b).key("docs/report.txt"));
        assertThat(head.contentType()).isEqualTo(from.contentType()).startsWith("text/plain");
        assertThat(head.contentEncoding()).isEqualTo("identity");
        assertThat(head.contentLanguage()).isEqualTo("en-GB");
        assertThat(head.contentDisposition()).isEqualTo("attachment; filename=\"r.txt\"");
        assertThat(head.cacheControl()).isEqualTo("max-age=60");
        assertThat(head.expires()).isEqualTo(expires);
        assertThat(head.metadata()).containsEntry("owner", "ops").containsEntry("x-note", "hello")
                .containsEntry("source-etag", from.eTag().replace("\"", ""));
        assertThat(dst.getObjectTagging(r -> r.bucket(b).key("docs/report.txt")).tagSet())
                .extracting(Tag::key, Tag::value)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("team", "data"),
                        org.assertj.core.groups.Tuple.tuple("tier", "gold"));

        CliRun second = sync("s3://" + a, "s3://" + b);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).isZero();
        assertThat(second.out()).contains("in step 2");
    }
}
