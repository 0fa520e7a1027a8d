package io.s3replicator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyCommandTest extends TwoEndpoints {

    CliRun run(String command, String from, String to, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style"));
        if (command.equals("sync")) {
            args.addAll(List.of("--state-dir", state.toString(), "--progress", "0"));
        }
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void a_synced_pair_verifies_identical_and_exits_0() {
        String a = Buckets.create(src, "verify-ok-src");
        String b = Buckets.create(dst, "verify-ok-dst");
        for (String key : List.of("a.txt", "dir/b.txt", "dir/sub/c d.txt")) {
            Buckets.put(src, a, key, "content of " + key);
        }
        assertThat(run("sync", "s3://" + a, "s3://" + b).exitCode()).isZero();

        CliRun verify = run("verify", "s3://" + a, "s3://" + b);

        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.count("identical")).isEqualTo(3);
        assertThat(verify.count("missing")).isZero();
        assertThat(verify.out()).endsWith("identical\n").doesNotContain("NOT");
        // Nothing was written by verify.
        assertThat(Buckets.keys(dst, b)).hasSize(3);
    }

    @Test
    void verify_names_a_missing_an_extra_and_a_changed_object() throws Exception {
        String a = Buckets.create(src, "verify-diff-src");
        String b = Buckets.create(dst, "verify-diff-dst");
        for (String key : List.of("kept.txt", "gone.txt", "edited.txt", "grown.txt", "logs/skip.tmp")) {
            Buckets.put(src, a, key, "v1 " + key);
        }
        assertThat(run("sync", "s3://" + a, "s3://" + b).exitCode()).isZero();
        dst.deleteObject(r -> r.bucket(b).key("gone.txt"));
        Buckets.put(dst, b, "stray.txt", "only here");
        Buckets.put(src, a, "edited.txt", "v2 edited.txt");
        Buckets.put(src, a, "grown.txt", "v1 grown.txt and more");
        Buckets.put(src, a, "logs/skip.tmp", "changed but excluded");

        CliRun text = run("verify", "s3://" + a, "s3://" + b, "--exclude", "*.tmp");

        assertThat(text.exitCode()).as(text.toString()).isEqualTo(1);
        assertThat(text.count("identical")).isEqualTo(1);
        assertThat(text.count("missing")).isEqualTo(1);
        assertThat(text.count("extra")).isEqualTo(1);
        assertThat(text.count("different")).isEqualTo(2);
        assertThat(text.out()).contains("  MISSING   gone.txt\n", "  EXTRA     stray.txt\n",
                "  DIFFERENT edited.txt: content differs (ETag)\n", "  DIFFERENT grown.txt: size differs\n")
                .doesNotContain("skip.tmp").endsWith("NOT identical\n");

        CliRun json = run("verify", "s3://" + a, "s3://" + b, "--exclude", "*.tmp", "--json");

        assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.path("identical").asBoolean()).isFalse();
        assertThat(doc.path("sourceObjects").asLong()).isEqualTo(5);
        assertThat(doc.path("destinationObjects").asLong()).isEqualTo(5);
        assertThat(doc.path("excludedObjects").asLong()).isEqualTo(1);
        assertThat(doc.path("missing").path("keys")).extracting(JsonNode::asText).containsExactly("gone.txt");
        assertThat(doc.path("extra").path("keys")).extracting(JsonNode::asText).containsExactly("stray.txt");
        assertThat(doc.path("different").path("count").asLong()).isEqualTo(2);
        assertThat(doc.path("different").path("objects")).extracting(o -> o.path("key").asText())
                .containsExactlyInAnyOrder("edited.txt", "grown.txt");
    }

    @Test
    void a_limited_listing_names_fewer_keys_but_counts_them_all() {
        String a = Buckets.create(src, "verify-many-src");
        String b = Buckets.create(dst, "verify-many-dst");
        for (int i = 0; i < 5; i++) {
            Buckets.put(src, a, "k" + i, "x");
        }
        CliRun verify = run("verify", "s3://" + a, "s3://" + b, "--max-listed", "2");

        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.count("missing")).isEqualTo(5);
        assertThat(verify.out().lines().filter(l -> l.startsWith("  MISSING"))).hasSize(2);
        assertThat(verify.out()).contains("more keys than --max-listed");
    }

    @Test
    void a_missing_bucket_is_bad_input_and_exits_2() {
        String a = Buckets.create(src, "verify-bad-src");
        CliRun verify = run("verify", "s3://" + a, "s3://no-such-bucket-here");

        assertThat(verify.exitCode()).isEqualTo(2);
        assertThat(verify.err()).contains("destination").contains("no-such-bucket-here");
        assertThat(verify.out()).isEmpty();
    }
}
