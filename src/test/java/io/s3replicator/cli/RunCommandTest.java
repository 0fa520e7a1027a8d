package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.S3MockServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class RunCommandTest {

    @Test
    void templated_yaml_pairs_are_diffed_on_their_schedule(@TempDir Path routes, @TempDir Path state) throws Exception {
        String srcEndpoint = S3MockServers.sourceEndpoint();
        String dstEndpoint = S3MockServers.destinationEndpoint();
        S3Client src = S3MockServers.client(srcEndpoint);
        S3Client dst = S3MockServers.client(dstEndpoint);
        String a = Buckets.create(src, "run-src");
        String b = Buckets.create(dst, "run-dst");
        String c = Buckets.create(dst, "run-dst2");
        Buckets.put(src, a, "first.txt", "1");
        Buckets.put(src, a, "logs/x.log", "x");
        Files.writeString(routes.resolve("pairs.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: every-second
                    parameters:
                      - {name: source, value: "s3://%1$s?endpoint=%2$s&pathStyle=true"}
                      - {name: destination, value: "s3://%3$s/copy/?endpoint=%4$s&pathStyle=true"}
                      - {name: schedule, value: "0/1 * * * * ?"}
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: logs-only
                    parameters:
                      - {name: source, value: "s3://%1$s/logs?endpoint=%2$s&pathStyle=true"}
                      - {name: destination, value: "s3://%5$s?endpoint=%4$s&pathStyle=true"}
                      - {name: schedule, value: "0/1 * * * * ?"}
                      - {name: exclude, value: "*.tmp"}
                """.formatted(a, srcEndpoint, b, dstEndpoint, c));
        Path properties = Files.writeString(state.resolve("test.properties"), "camel.main.duration-max-seconds = 12\ncamel.management.port = 0\n");

        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(() -> CliRun.of("run", "--routes",
                routes.toString(), "--properties", properties.toString(), "--state-dir", state.resolve("db").toString()));

        await(() -> Buckets.keys(dst, b).size() == 2);
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("copy/first.txt", "copy/logs/x.log");
        await(() -> Buckets.keys(dst, c).size() == 1);
        assertThat(Buckets.keys(dst, c)).containsExactly("x.log");

        // Written after the first diffs: a later scheduled diff picks it up, the exclude holds.
        Buckets.put(src, a, "logs/later.log", "later");
        Buckets.put(src, a, "logs/skip.tmp", "tmp");
        await(() -> Buckets.keys(dst, c).size() == 2);
        assertThat(Buckets.keys(dst, c)).containsExactlyInAnyOrder("x.log", "later.log");
        assertThat(new String(Buckets.get(dst, c, "later.log"))).isEqualTo("later");

        CliRun run = running.get();
        assertThat(run.exitCode()).as(run.toString()).isZero();
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(200);
        }
    }
}
