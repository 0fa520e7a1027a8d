package io.s3replicator.transfer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.StoreBehaviour;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags are carried over without an extra request per object where the store says there are none
 * (issue 12, item 3), and a store that has no tagging, or credentials that may not read tags, costs
 * the tags and one warning, not the objects.
 */
class TagCopyTest extends TwoEndpoints {
    private String source(String name) {
        return armedBucket(src, name);
    }

    private String destination(String name) {
        return armedBucket(dst, name);
    }

    /** Three untagged objects and one with a tag. */
    private void seed(String bucket) {
        Buckets.put(src, bucket, "a.txt", "a");
        Buckets.put(src, bucket, "b.txt", "b");
        Buckets.put(src, bucket, "dir/c.txt", "c");
        src.putObject(p -> p.bucket(bucket).key("tagged.txt").tagging("team=data"), RequestBody.fromString("t"));
    }

    /** Relayed between the two emulators (two accounts), each side under {@code provider}. */
    private CliRun sync(String a, String b, String provider, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", "s3://" + a, "s3://" + b,
                "--source-provider", provider, "--source-endpoint", srcEndpoint, "--source-region", "us-east-1",
                "--dest-provider", provider, "--dest-endpoint", dstEndpoint, "--dest-region", "us-east-1",
                "--path-style", "--state-dir", state.toString(), "--progress", "0"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void on_aws_a_relayed_object_without_a_tagging_count_costs_get_and_put_only() {
        String a = source("aws-tags-src");
        String b = destination("aws-tags-dst");
        seed(a);
        StoreBehaviour.taggingCount(a);

        CliRun run = sync(a, b, "aws");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("(relayed)");
        assertThat(run.count("copied")).isEqualTo(4);
        assertThat(FaultInjector.count(a, "GetObject")).isEqualTo(4);
        assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(4);
        assertThat(FaultInjector.count(a, "GetObjectTagging")).as("asked only for the object with a tag count")
                .isEqualTo(1);
        assertThat(dst.getObjectTagging(t -> t.bucket(b).key("tagged.txt")).tagSet())
                .containsExactly(Tag.builder().key("team").value("data").build());
        assertThat(dst.getObjectTagging(t -> t.bucket(b).key("a.txt")).tagSet()).isEmpty();
    }

    @Test
    void other_stores_are_asked_for_every_object_as_a_missing_count_says_nothing_there() {
        String a = source("custom-tags-src");
        String b = destination("custom-tags-dst");
        seed(a);

        CliRun run = sync(a, b, "custom");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(4);
        assertThat(FaultInjector.count(a, "GetObjectTagging")).isEqualTo(4);
        assertThat(dst.getObjectTagging(t -> t.bucket(b).key("tagged.txt")).tagSet())
                .containsExactly(Tag.builder().key("team").value("data").build());
    }

    @Test
    void a_gcs_side_has_no_object_tags_so_none_are_asked_for_or_sent() {
        String a = source("gcs-tags-src");
        String b = destination("gcs-tags-dst");
        seed(a);

        CliRun run = CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-provider", "custom",
                "--source-endpoint", srcEndpoint, "--dest-provider", "gcs", "--dest-endpoint", dstEndpoint,
                "--state-dir", state.toString(), "--progress", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(4);
        assertThat(FaultInjector.count(a, "GetObjectTagging")).isZero();
        assertThat(dst.getObjectTagging(t -> t.bucket(b).key("tagged.txt")).tagSet()).isEmpty();
    }

    @Test
    void a_source_without_tagging_is_copied_without_tags_with_one_warning() {
        copiedWithoutTagsWithOneWarning(501, "NotImplemented");
    }

    @Test
    void a_source_whose_tags_may_not_be_read_is_copied_without_tags_with_one_warning() {
        copiedWithoutTagsWithOneWarning(403, "AccessDenied");
    }

    private void copiedWithoutTagsWithOneWarning(int status, String code) {
        String a = source("no-tags-src");
        String b = destination("no-tags-dst");
        seed(a);
        byte[] big = new byte[6 * 1024 * 1024];
        new Random(3).nextBytes(big);
        src.putObject(p -> p.bucket(a).key("big.bin").tagging("team=media"), RequestBody.fromBytes(big));
        for (int i = 0; i < 10; i++) {
            Buckets.put(src, a, "more/" + i, "more " + i);
        }
        StoreBehaviour.noTagging(a, status);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        CliRun run;
        try {
            run = sync(a, b, "custom", "--multipart-threshold", "5MiB", "--part-size", "5MiB", "--concurrency", "2");
        } finally {
            root.detachAppender(logs);
        }

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.count("copied")).isEqualTo(15);
        assertThat(Buckets.get(dst, b, "big.bin")).isEqualTo(big);
        assertThat(dst.getObjectTagging(t -> t.bucket(b).key("tagged.txt")).tagSet()).isEmpty();
        assertThat(dst.getObjectTagging(t -> t.bucket(b).key("big.bin")).tagSet()).isEmpty();
        List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("tag")).toList();
        assertThat(warnings).as("one warning for the pair, not one per object").hasSize(1);
        assertThat(warnings.get(0)).contains("pair sync", "s3://" + a + "/", String.valueOf(status), code,
                "copied without their tags");
        assertThat(StoreBehaviour.refused(a, "GetObjectTagging")).as("asked only by the jobs running when the"
                + " first refusal came back (2 at once), not once per object").isBetween(1, 2);
    }
}
