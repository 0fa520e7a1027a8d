package io.s3replicator.cli;

import com.adobe.testing.s3mock.S3MockApplication;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.state.jdbc.EmbeddedDatabase;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.Http;
import io.s3replicator.testing.S3MockServers;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The operating surface of Camel Main's management server: metrics, health, Jolokia. */
class ManagementServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;

    @Test
    void metrics_endpoint_serves_what_a_run_copied(@TempDir Path routes) throws Exception {
        String srcEndpoint = S3MockServers.sourceEndpoint();
        String dstEndpoint = S3MockServers.destinationEndpoint();
        S3Client src = S3MockServers.client(srcEndpoint);
        S3Client dst = S3MockServers.client(dstEndpoint);
        String a = Buckets.create(src, "metrics-src");
        String b = Buckets.create(dst, "metrics-dst");
        Buckets.put(src, a, "one.txt", "1");
        Buckets.put(src, a, "ten.txt", "0123456789");
        Buckets.put(src, a, "dir/hundred.bin", "x".repeat(100));
        // The container's routes file (deploy/routes), its pair given as it is on ECS: by variables.
        Files.copy(Path.of("deploy/routes/pair-from-env.camel.yaml"), routes.resolve("pair.camel.yaml"));
        int port = Http.freePort();
        Path properties = Files.writeString(state.resolve("test.properties"), String.join("\n",
                "camel.main.duration-max-seconds = 15",
                "camel.management.port = " + port,
                "PAIR_ID = metered",
                "SOURCE = s3://" + a + "?endpoint=" + srcEndpoint + "&pathStyle=true",
                "DESTINATION = s3://" + b + "?endpoint=" + dstEndpoint + "&pathStyle=true",
                "SCHEDULE = 0/1 * * * * ?", ""));
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("run", "--routes",
                routes.toString(), "--properties", properties.toString(), "--state-dir", state.resolve("db").toString()));

        String metrics = "http://127.0.0.1:" + port + "/observe/metrics";
        Map<String, String> copied = Map.of("pair", "metered", "outcome", "COPIED");
        await(() -> Double.valueOf(3).equals(Http.sample(Http.get(metrics).body(), "s3replicator_objects_total", copied)));
        // A later scheduled diff finds everything in step: the diff counters move, the copy counters do not.
        await(() -> Http.sample(Http.get(metrics).body(), "s3replicator_diff_objects_total",
                Map.of("pair", "metered", "verdict", "in_step")) != null);
        // ... and that diff's listing is counted too (the meters of one diff do not move at one instant).
        await(() -> {
            Double listedSoFar = Http.sample(Http.get(metrics).body(), "s3replicator_diff_keys_listed_total",
                    Map.of("pair", "metered", "side", "source"));
            return listedSoFar != null && listedSoFar >= 6.0;
        });
        String scrape = Http.get(metrics).body();
        // Kept for reading (and for checking dashboards against real series names).
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/metrics-sample.txt"), scrape);

        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("one.txt", "ten.txt", "dir/hundred.bin");
        assertThat(Http.sample(scrape, "s3replicator_objects_total", copied)).isEqualTo(3.0);
        assertThat(Http.sample(scrape, "s3replicator_bytes_total", copied)).isEqualTo(111.0);
        assertThat(Http.sample(scrape, "s3replicator_transfer_duration_seconds_count", Map.of("pair", "metered")))
                .isEqualTo(3.0);
        assertThat(Http.sample(scrape, "s3replicator_object_size_bytes_sum", Map.of("pair", "metered")))
                .isEqualTo(111.0);
        // Every emitted job has exactly one outcome (two overlapping diffs may emit twins: one is skipped).
        assertThat(Http.sample(scrape, "s3replicator_diff_jobs_emitted_total", Map.of("pair", "metered")))
                .isEqualTo(Http.sample(scrape, "s3replicator_objects_total", Map.of("pair", "metered")))
                .isGreaterThanOrEqualTo(3.0);
        double listed = Http.sample(scrape, "s3replicator_diff_keys_listed_total",
                Map.of("pair", "metered", "side", "source"));
        assertThat(listed).isGreaterThanOrEqualTo(6.0);
        assertThat(listed % 3).isZero();
        assertThat(Http.sample(scrape, "s3replicator_objects_total", Map.of("outcome", "FAILED"))).isNull();
        assertThat(Http.sample(scrape, "s3replicator_jobs_in_flight", Map.of())).isNotNull();
        assertThat(Http.sample(scrape, "s3replicator_jobs_queued", Map.of())).isZero();
        assertThat(Http.sample(scrape, "s3replicator_parts_in_flight", Map.of())).isZero();
        // Camel's own route meters and the JVM binders share the scrape.
        assertThat(Http.sample(scrape, "camel_exchanges_total", Map.of("routeId", "transfer")))
                .isEqualTo(Http.sample(scrape, "s3replicator_diff_jobs_emitted_total", Map.of("pair", "metered")));
        assertThat(Http.sample(scrape, "jvm_memory_used_bytes", Map.of())).isPositive();
        // Every series the Grafana dashboard queries is one this scrape serves.
        JsonNode dashboard = JSON.readTree(Path.of("deploy/grafana/s3-replicator.json").toFile());
        java.util.Set<String> queried = new java.util.TreeSet<>();
        for (JsonNode expr : dashboard.findValues("expr")) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("\\b((?:s3replicator|camel|jvm|process|system)_[a-z0-9_]+)\\b").matcher(expr.asText());
            while (m.find()) {
                queried.add(m.group(1));
            }
        }
        assertThat(queried).hasSizeGreaterThan(10);
        for (String series : queried) {
            assertThat(scrape).as("series %s of the Grafana dashboard", series)
                    .containsPattern("(?m)^" + series + "[{ ]");
        }
        // No object key ever becomes a label.
        assertThat(scrape).doesNotContain("hundred.bin").doesNotContain("ten.txt");

        Http.Response live = Http.get("http://127.0.0.1:" + port + "/observe/health/live");
        assertThat(live.status()).as(live.body()).isEqualTo(200);
        Http.Response ready = Http.get("http://127.0.0.1:" + port + "/observe/health/ready");
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);

        CliRun run = running.get();
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    @Test
    void readiness_is_down_while_the_state_store_is_unreachable() throws Exception {
        int port = Http.freePort();
        Main main = start(port);
        try {
            String a = Buckets.create(S3MockServers.client(S3MockServers.sourceEndpoint()), "ready-src");
            String b = Buckets.create(S3MockServers.client(S3MockServers.destinationEndpoint()), "ready-dst");
            register(main, "ready", S3MockServers.sourceEndpoint(), a, S3MockServers.destinationEndpoint(), b);
            String ready = "http://127.0.0.1:" + port + "/observe/health/ready";
            assertThat(Http.get(ready).status()).as(Http.get(ready).body()).isEqualTo(200);

            ((EmbeddedDatabase) main.getCamelContext().getRegistry().lookupByNameAndType("stateBackend", StateBackend.class)
                    .jobStore()).close();

            Http.Response down = Http.get(ready);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body()).contains("DOWN").contains("state-store");
            // Liveness is about the process, not its dependencies: ECS must not restart it for this.
            assertThat(Http.get("http://127.0.0.1:" + port + "/observe/health/live").status()).isEqualTo(200);
        } finally {
            main.stop();
        }
    }

    @Test
    void readiness_follows_an_endpoint_that_goes_away() throws Exception {
        S3MockApplication flaky = S3MockServers.startOne("flaky");
        String flakyEndpoint = "http://127.0.0.1:" + flaky.getHttpPort();
        int port = Http.freePort();
        Main main = start(port);
        try {
            String a = Buckets.create(S3MockServers.client(flakyEndpoint), "flaky-src");
            String b = Buckets.create(S3MockServers.client(S3MockServers.destinationEndpoint()), "flaky-dst");
            register(main, "flaky", flakyEndpoint, a, S3MockServers.destinationEndpoint(), b);
            String ready = "http://127.0.0.1:" + port + "/observe/health/ready";
            assertThat(Http.get(ready).status()).as(Http.get(ready).body()).isEqualTo(200);

            flaky.stop();

            Http.Response down = Http.get(ready);
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.body()).contains("flaky.source").doesNotContain("flaky.destination: DOWN");
        } finally {
            main.stop();
        }
    }

    @Test
    void jolokia_reads_route_statistics_but_denies_what_the_policy_denies() throws Exception {
        int port = Http.freePort();
        Main main = start(port);
        try {
            String jolokia = "http://127.0.0.1:" + port + "/observe/jolokia/";
            JsonNode search = call(jolokia, """
                    {"type":"search","mbean":"org.apache.camel:type=routes,*"}""");
            assertThat(search.path("status").asInt()).as(search.toString()).isEqualTo(200);
            String transfer = null;
            for (JsonNode name : search.path("value")) {
                if (name.asText().contains("name=\"transfer\"")) {
                    transfer = name.asText();
                }
            }
            assertThat(transfer).as(search.toString()).isNotNull();

            JsonNode read = call(jolokia, JSON.createObjectNode().put("type", "read").put("mbean", transfer)
                    .put("attribute", "ExchangesInflight").toString());
            assertThat(read.path("status").asInt()).as(read.toString()).isEqualTo(200);
            assertThat(read.path("value").asLong()).isZero();
            JsonNode dump = call(jolokia, JSON.createObjectNode().put("type", "exec").put("mbean", transfer)
                    .put("operation", "dumpRouteAsXml()").toString());
            assertThat(dump.path("status").asInt()).as(dump.toString()).isEqualTo(200);

            // Changing routes is denied...
            JsonNode stop = call(jolokia, JSON.createObjectNode().put("type", "exec").put("mbean", transfer)
                    .put("operation", "stop()").toString());
            assertThat(stop.path("status").asInt()).as(stop.toString()).isEqualTo(403);
            assertThat(main.getCamelContext().getRouteController().getRouteStatus("transfer").isStarted()).isTrue();
            JsonNode write = call(jolokia, JSON.createObjectNode().put("type", "write").put("mbean", transfer)
                    .put("attribute", "TracingPattern").put("value", "*").toString());
            assertThat(write.path("status").asInt()).as(write.toString()).isEqualTo(403);
            // ...and so are JVM attributes that hold -D options (this JVM has -Daws.secretAccessKey).
            JsonNode props = call(jolokia, """
                    {"type":"read","mbean":"java.lang:type=Runtime","attribute":"SystemProperties"}""");
            assertThat(props.path("status").asInt()).as(props.toString()).isEqualTo(403);
            assertThat(props.toString()).doesNotContain("test-secret-key");
            JsonNode uptime = call(jolokia, """
                    {"type":"read","mbean":"java.lang:type=Runtime","attribute":"Uptime"}""");
            assertThat(uptime.path("value").asLong()).isPositive();
        } finally {
            main.stop();
        }
    }

    private Main start(int port) throws Exception {
        Main main = ReplicatorMain.create(Map.of("camel.management.port", String.valueOf(port),
                "s3replicator.state.dir", state.resolve("db").toString()), null);
        main.start();
        return main;
    }

    private static void register(Main main, String id, String srcEndpoint, String a, String dstEndpoint, String b) {
        ReplicationPair pair = new ReplicationPair(id,
                S3Uri.parse("source", "s3://" + a + "?endpoint=" + srcEndpoint + "&pathStyle=true"),
                S3Uri.parse("destination", "s3://" + b + "?endpoint=" + dstEndpoint + "&pathStyle=true"),
                KeyFilter.of(java.util.List.of(), java.util.List.of()), false);
        main.getCamelContext().getRegistry().lookupByNameAndType("pairs", PairRegistry.class).register(pair);
    }

    private static JsonNode call(String url, String request) throws Exception {
        Http.Response r = Http.postJson(url, request);
        return JSON.readTree(r.body());
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 12 s");
            }
            Thread.sleep(250);
        }
    }
}
