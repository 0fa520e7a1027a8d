package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.TwoEndpoints;
import io.s3replicator.store.S3Location;
import io.s3replicator.transfer.ReplicaMarkers;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
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

class SyncCommandTest extends TwoEndpoints {

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

    @Test
    void a_changed_object_is_copied_again_and_only_it() {
        String a = Buckets.create(src, "change-src");
        String b = Buckets.create(dst, "change-dst");
        Buckets.put(src, a, "same.txt", "unchanged");
        Buckets.put(src, a, "grows.txt", "v1");
        Buckets.put(src, a, "same-size.txt", "aaaa");
        assertThat(sync("s3://" + a, "s3://" + b).exitCode()).isZero();

        Buckets.put(src, a, "grows.txt", "version two");
        Buckets.put(src, a, "same-size.txt", "bbbb");
        CliRun again = sync("s3://" + a, "s3://" + b);

        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.count("copied")).isEqualTo(2);
        assertThat(new String(Buckets.get(dst, b, "grows.txt"))).isEqualTo("version two");
        assertThat(new String(Buckets.get(dst, b, "same-size.txt"))).isEqualTo("bbbb");
    }

    @Test
    void include_exclude_and_prefix_mapping() {
        String a = Buckets.create(src, "filter-src");
        String b = Buckets.create(dst, "filter-dst");
        for (String key : List.of("logs/2024/a.log", "logs/2024/b.tmp", "logs/2025/c.log", "logs/2025/skip/d.log",
                "logs/readme.md", "other/e.log")) {
            Buckets.put(src, a, key, key);
        }
        CliRun run = sync("s3://" + a + "/logs", "s3://" + b + "/archive/logs/",
                "--include", "*.log", "--include", "*.tmp", "--exclude", "*.tmp", "--exclude", "/2025/skip/**");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("archive/logs/2024/a.log", "archive/logs/2025/c.log");
        assertThat(new String(Buckets.get(dst, b, "archive/logs/2025/c.log"))).isEqualTo("logs/2025/c.log");
        assertThat(run.out()).contains("excluded 3");
    }

    @Test
    void awkward_keys_are_copied_and_found_in_step_afterwards() {
        String a = Buckets.create(src, "keys-src");
        String b = Buckets.create(dst, "keys-dst");
        List<String> keys = List.of("with space.txt", "plus+sign.txt", "percent%20literal.txt", "100%.txt",
                "unicode/日本語/ファイル.txt", "emoji/😀.txt", "ümlaut/ß.txt", "dots/../up.txt", "dots/./here.txt",
                "order/\uFF21.txt", "order/\uD83D\uDE00.txt", "order/z.txt", "a\u0001control.txt", "tab\there.txt",
                "new\nline.txt", "question?mark&amp=1.txt", "tilde~hash#.txt",
                "long/" + "k".repeat(1019), "dir-marker/", "trailing space ");
        // Leading-slash keys ("/a", "//a") are rejected by S3Mock itself (400); their key mapping
        // is covered in ReplicationPairTest.
        for (String key : keys) {
            Buckets.put(src, a, key, key.endsWith("/") ? "" : "content of " + key);
        }
        CliRun first = sync("s3://" + a, "s3://" + b);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(keys.size());
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrderElementsOf(keys);
        for (String key : keys) {
            assertThat(Buckets.get(dst, b, key)).as(key).isEqualTo(Buckets.get(src, a, key));
        }
        CliRun second = sync("s3://" + a, "s3://" + b);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).isZero();
        assertThat(second.out()).contains("in step " + keys.size());
    }

    @Test
    void thousands_of_keys_paginate_on_both_sides() {
        String a = Buckets.create(src, "many-src");
        String b = Buckets.create(dst, "many-dst");
        int n = 2600;
        java.util.stream.IntStream.range(0, n).parallel()
                .forEach(i -> Buckets.put(src, a, String.format("k/%05d", i), "v" + i));
        // Half already at the destination, so both listings span several pages and interleave.
        java.util.stream.IntStream.range(0, n).filter(i -> i % 2 == 0).parallel()
                .forEach(i -> Buckets.put(dst, b, String.format("k/%05d", i), "v" + i));

        CliRun run = sync("s3://" + a, "s3://" + b, "--concurrency", "16");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("listed")).isEqualTo(n);
        assertThat(run.count("copied")).isEqualTo(n / 2);
        assertThat(run.out()).contains("in step " + n / 2);
        assertThat(Buckets.keys(dst, b)).hasSize(n);
    }

    @Test
    void dry_run_reports_but_writes_nothing() {
        String a = Buckets.create(src, "dry-src");
        String b = Buckets.create(dst, "dry-dst");
        Buckets.put(src, a, "one", "1");
        Buckets.put(src, a, "two", "22");

        CliRun run = sync("s3://" + a, "s3://" + b, "--dry-run");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("would copy 2 objects, 3 B").contains("DRY RUN");
        assertThat(run.count("copied")).isZero();
        assertThat(Buckets.keys(dst, b)).isEmpty();
    }

    @Test
    void objects_above_the_multipart_threshold_are_copied_in_parts_alongside_the_others() {
        String a = Buckets.create(src, "big-src");
        String b = Buckets.create(dst, "big-dst");
        byte[] big = new byte[6 * 1024 * 1024];
        new java.util.Random(42).nextBytes(big);
        src.putObject(r -> r.bucket(a).key("big.bin"), RequestBody.fromBytes(big));
        Buckets.put(src, a, "small.txt", "small");

        CliRun run = sync("s3://" + a, "s3://" + b, "--multipart-threshold", "5MiB");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(2);
        assertThat(run.count("failed")).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("big.bin", "small.txt");
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);
        // 6 MiB with the default 8 MiB part size: one part, so a multipart ETag ending in -1.
        assertThat(dst.headObject(r -> r.bucket(b).key("big.bin")).eTag()).endsWith("-1\"");
    }

    @Test
    void within_one_endpoint_the_copy_is_server_side_and_keeps_metadata() {
        String a = Buckets.create(src, "local-a");
        String b = Buckets.create(src, "local-b");
        src.putObject(r -> r.bucket(a).key("x/y.json").contentType("application/json").metadata(Map.of("k", "v"))
                .tagging(Tagging.builder().tagSet(Tag.builder().key("t").value("1").build()).build()),
                RequestBody.fromString("{}"));

        CliRun run = CliRun.of("sync", "s3://" + a, "s3://" + b + "/copy", "--source-endpoint", srcEndpoint,
                "--dest-endpoint", srcEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(server-side copy)");
        assertThat(Buckets.get(src, b, "copy/x/y.json")).isEqualTo("{}".getBytes());
        HeadObjectResponse head = src.headObject(r -> r.bucket(b).key("copy/x/y.json"));
        assertThat(head.metadata()).containsEntry("k", "v").containsKey("source-etag");
        assertThat(head.contentType()).isEqualTo("application/json");
        assertThat(src.getObjectTagging(r -> r.bucket(b).key("copy/x/y.json")).tagSet())
                .extracting(Tag::key).containsExactly("t");
    }

    @Test
    void a_destination_whose_etag_differs_but_whose_marker_matches_is_left_alone() {
        String a = Buckets.create(src, "marker-src");
        String b = Buckets.create(dst, "marker-dst");
        Buckets.put(src, a, "k.txt", "same");
        String sourceEtag = src.headObject(r -> r.bucket(a).key("k.txt")).eTag().replace("\"", "");
        // Same size, other bytes (so another ETag), but marked as a copy of this source version,
        // as a copy of a multipart source would be.
        String writtenHere = ReplicaMarkers.location(ReplicaMarkers.pairTag(new S3Location(a, "", null),
                new S3Location(b, "", null)), b, "k.txt");
        dst.putObject(r -> r.bucket(b).key("k.txt").metadata(Map.of("source-etag", sourceEtag,
                        "replica-location", writtenHere)),
                RequestBody.fromString("SAME"));

        CliRun run = sync("s3://" + a, "s3://" + b);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isZero();
        assertThat(run.out()).contains("destination already holds this version 1");
        assertThat(new String(Buckets.get(dst, b, "k.txt"))).isEqualTo("SAME");
    }

    @Test
    void a_named_profile_per_side_supplies_the_credentials() throws Exception {
        String a = Buckets.create(src, "profile-src");
        String b = Buckets.create(dst, "profile-dst");
        Buckets.put(src, a, "p.txt", "profile");
        Path credentials = state.resolve("credentials");
        java.nio.file.Files.writeString(credentials, """
                [source-account]
                aws_access_key_id = AKIASOURCEEXAMPLE
                aws_secret_access_key = source-secret
                [destination-account]
                aws_access_key_id = AKIADESTEXAMPLE
                aws_secret_access_key = destination-secret
                """);
        String previous = System.getProperty("aws.sharedCredentialsFile");
        System.setProperty("aws.sharedCredentialsFile", credentials.toString());
        try {
            CliRun run = sync("s3://" + a, "s3://" + b, "--source-profile", "source-account",
                    "--dest-profile", "destination-account");
            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.count("copied")).isEqualTo(1);
            CliRun unknown = sync("s3://" + a, "s3://" + b, "--dest-profile", "nobody");
            assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(unknown.err()).contains("dest-profile: profile 'nobody' is not in the AWS config or credentials file");
        } finally {
            if (previous == null) {
                System.clearProperty("aws.sharedCredentialsFile");
            } else {
                System.setProperty("aws.sharedCredentialsFile", previous);
            }
        }
    }
}
