package io.s3replicator.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sync --json}: the summary as one JSON document on stdout, and nothing else there. */
class SyncJsonTest extends TwoEndpoints {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    CliRun sync(String from, String to, String... extra) {
        List<String> args = new ArrayList<>(List.of("sync", from, to, "--source-endpoint", srcEndpoint,
                "--dest-endpoint", dstEndpoint, "--path-style", "--state-dir", state.toString(), "--json"));
        args.addAll(Arrays.asList(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** stdout is exactly one line holding one JSON object. */
    static JsonNode document(CliRun run) throws Exception {
        assertThat(run.out()).as(run.toString()).endsWith("}\n").startsWith("{");
        assertThat(run.out().lines().count()).as(run.toString()).isEqualTo(1);
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.isObject()).isTrue();
        return doc;
    }

    @Test
    void the_summary_is_one_json_object_with_counts_and_nothing_else_on_stdout() throws Exception {
        String a = Buckets.create(src, "json-src");
        String b = Buckets.create(dst, "json-dst");
        Buckets.put(src, a, "logs/one.txt", "1");
        Buckets.put(src, a, "logs/two.txt", "22");
        Buckets.put(src, a, "logs/skip.tmp", "333");

        CliRun run = sync("s3://" + a + "/logs", "s3://" + b + "/copy", "--exclude", "*.tmp", "--progress", "1");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = document(run);
        assertThat(doc.get("source").asText()).isEqualTo("s3://" + a + "/logs/");
        assertThat(doc.get("destination").asText()).isEqualTo("s3://" + b + "/copy/");
        assertThat(doc.get("path").asText()).isEqualTo("relayed");
        assertThat(doc.get("dryRun").asBoolean()).isFalse();
        assertThat(doc.at("/listed/source").asLong()).isEqualTo(3);
        assertThat(doc.at("/listed/destination").asLong()).isZero();
        assertThat(doc.at("/copied/objects").asLong()).isEqualTo(2);
        assertThat(doc.at("/copied/bytes").asLong()).isEqualTo(3);
        assertThat(doc.at("/deleted/objects").asLong()).isZero();
        assertThat(doc.at("/deleted/keys").isArray()).isTrue();
        assertThat(doc.at("/skipped/objects").asLong()).isEqualTo(1);
        assertThat(doc.at("/skipped/excluded").asLong()).isEqualTo(1);
        assertThat(doc.at("/skipped/inStep").asLong()).isZero();
        assertThat(doc.at("/failed/objects").asLong()).isZero();
        assertThat(doc.at("/failed/items").size()).isZero();
        assertThat(doc.get("elapsedSeconds").isNumber()).isTrue();
        assertThat(doc.get("inStep").asBoolean()).isTrue();
        assertThat(doc.get("exitCode").asInt()).isZero();
        // Progress still goes to stderr, as lines (not a terminal here).
        assertThat(run.err()).doesNotContain("{\"source\"");
    }

    @Test
    void failures_and_deletes_are_itemised_and_the_exit_code_is_1() throws Exception {
        String a = Buckets.create(src, "json-fail-src");
        String b = Buckets.create(dst, "json-fail-dst");
        Buckets.put(src, a, "old.txt", "old");
        assertThat(sync("s3://" + a, "s3://" + b).exitCode()).isZero();
        src.deleteObject(d -> d.bucket(a).key("old.txt"));
        Buckets.put(src, a, "denied.txt", "x");
        SyncDeleteTest.nextSecond();
        FaultInjector.failPuts(b, 403);
        CliRun run;
        try {
            run = sync("s3://" + a, "s3://" + b, "--delete", "--progress", "0");
        } finally {
            FaultInjector.reset(b);
        }

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILURES);
        JsonNode doc = document(run);
        assertThat(doc.at("/deleted/objects").asLong()).isEqualTo(1);
        assertThat(doc.at("/deleted/keys/0").asText()).isEqualTo("old.txt");
        assertThat(doc.at("/failed/objects").asLong()).isEqualTo(1);
        assertThat(doc.at("/failed/items/0/key").asText()).isEqualTo("denied.txt");
        assertThat(doc.at("/failed/items/0/reason").asText()).contains("403");
        assertThat(doc.get("inStep").asBoolean()).isFalse();
        assertThat(doc.get("exitCode").asInt()).isEqualTo(1);
    }

    @Test
    void a_dry_run_names_what_it_would_copy_and_delete() throws Exception {
        String a = Buckets.create(src, "json-dry-src");
        String b = Buckets.create(dst, "json-dry-dst");
        Buckets.put(src, a, "new.txt", "four");
        Buckets.put(dst, b, "extra.txt", "a user's");
        SyncDeleteTest.nextSecond();

        CliRun run = sync("s3://" + a, "s3://" + b, "--dry-run", "--delete", "--delete-unowned", "--progress", "0");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = document(run);
        assertThat(doc.get("dryRun").asBoolean()).isTrue();
        assertThat(doc.at("/wouldCopy/objects").asLong()).isEqualTo(1);
        assertThat(doc.at("/wouldCopy/bytes").asLong()).isEqualTo(4);
        assertThat(doc.at("/wouldDelete/objects").asLong()).isEqualTo(1);
        assertThat(doc.at("/wouldDelete/keys/0").asText()).isEqualTo("extra.txt");
        assertThat(doc.at("/copied/objects").asLong()).isZero();
        assertThat(doc.at("/deleted/objects").asLong()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactly("extra.txt");
    }
}
