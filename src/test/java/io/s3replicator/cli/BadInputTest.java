package io.s3replicator.cli;

import com.sun.net.httpserver.HttpServer;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.S3MockServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad input ends in one clear line on stderr, no stack trace, and exit code 2. */
class BadInputTest {
    static String endpoint;
    static S3Client s3;
    static String bucket;

    @TempDir
    Path state;

    @BeforeAll
    static void servers() {
        endpoint = S3MockServers.sourceEndpoint();
        s3 = S3MockServers.client(endpoint);
        bucket = Buckets.create(s3, "bad-input");
        Buckets.put(s3, bucket, "a.txt", "a");
    }

    CliRun sync(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--state-dir", state.toString(), "--progress", "0"}, 0, all, args.length, 4);
        return CliRun.of(all);
    }

    static void assertOneLineError(CliRun run, String expected) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).as(run.toString()).contains(expected).doesNotContain("\tat ").doesNotContain("Exception:");
        assertThat(run.err().strip().lines().count()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void an_unknown_flag_is_named() {
        assertOneLineError(sync("sync", "s3://bucket-a", "s3://bucket-b", "--frobnicate"), "Unknown option: '--frobnicate'");
    }

    @Test
    void a_malformed_s3_uri_is_named() {
        assertOneLineError(sync("sync", "http://example.com/x", "s3://bucket-b"),
                "source: 'http://example.com/x' is not an s3:// URI");
        assertOneLineError(sync("sync", "s3://" + bucket, "s3:///nobucket"), "destination: 's3:///nobucket' has no valid bucket name");
    }

    @Test
    void a_missing_bucket_is_named() {
        assertOneLineError(sync("sync", "s3://" + bucket, "s3://no-such-bucket-here", "--source-endpoint", endpoint,
                "--dest-endpoint", endpoint, "--path-style"), "destination: bucket 'no-such-bucket-here' does not exist");
    }

    @Test
    void an_unreachable_endpoint_is_named() {
        assertOneLineError(sync("sync", "s3://" + bucket, "s3://bucket-b", "--source-endpoint", endpoint,
                "--dest-endpoint", "http://127.0.0.1:1", "--path-style"),
                "destination: endpoint http://127.0.0.1:1 is unreachable");
    }

    @Test
    void a_profile_that_does_not_exist_is_named() {
        assertOneLineError(sync("sync", "s3://" + bucket, "s3://bucket-b", "--source-endpoint", endpoint,
                "--source-profile", "no-such-profile-xyz", "--path-style"),
                "source-profile: profile 'no-such-profile-xyz' is not in the AWS config or credentials file");
    }

    @Test
    void credentials_the_store_rejects_are_named() throws Exception {
        // S3Mock accepts any key, so this endpoint answers as S3 does to an unknown key on HeadBucket.
        HttpServer rejecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rejecting.createContext("/", exchange -> {
            byte[] body = "<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(403, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        rejecting.start();
        try {
            String other = "http://127.0.0.1:" + rejecting.getAddress().getPort();
            assertOneLineError(sync("sync", "s3://" + bucket, "s3://somewhere", "--source-endpoint", endpoint,
                    "--dest-endpoint", other, "--path-style"),
                    "destination: s3://somewhere/ at " + other + ": access denied (check the destination credentials");
        } finally {
            rejecting.stop(0);
        }
    }

    @Test
    void bad_numbers_and_sizes_are_named() {
        assertOneLineError(sync("sync", "s3://bucket-a", "s3://bucket-b", "--concurrency", "many"), "--concurrency");
        assertOneLineError(sync("sync", "s3://bucket-a", "s3://bucket-b", "--multipart-threshold", "lots"), "'lots' is not a size");
        assertOneLineError(sync("sync", "s3://" + bucket, "s3://bucket-b", "--source-endpoint", endpoint, "--dest-endpoint",
                endpoint, "--path-style", "--multipart-threshold", "1MiB"), "below the 5 MiB S3 part minimum");
    }

    @Test
    void a_pair_into_itself_is_refused() {
        assertOneLineError(sync("sync", "s3://" + bucket + "/a", "s3://" + bucket + "/a/b", "--source-endpoint", endpoint,
                "--dest-endpoint", endpoint), "overlaps the source");
    }

    @Test
    void an_invalid_routes_file_is_named(@TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("broken.camel.yaml"), "- templatedRoute:\n    routeTemplateRef: [unclosed\n");
        CliRun run = CliRun.of("run", "--routes", routes.toString(), "--state-dir", state.toString());
        assertOneLineError(run, "broken.camel.yaml");
    }

    @Test
    void a_bad_field_in_a_routes_file_names_the_pair_and_field(@TempDir Path routes) throws Exception {
        Files.writeString(routes.resolve("pairs.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: nightly-logs
                    parameters:
                      - {name: source, value: "ftp://logs"}
                      - {name: destination, value: "s3://bucket-x"}
                """);
        assertOneLineError(CliRun.of("run", "--routes", routes.toString(), "--state-dir", state.toString()),
                "nightly-logs.source: 'ftp://logs' is not an s3:// URI");

        Files.writeString(routes.resolve("pairs.camel.yaml"), """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: nightly-logs
                    parameters:
                      - {name: source, value: "s3://bucket-a"}
                      - {name: destination, value: "s3://bucket-b"}
                      - {name: schedule, value: "every night"}
                """);
        assertOneLineError(CliRun.of("run", "--routes", routes.toString(), "--state-dir", state.toString()),
                "nightly-logs.schedule: 'every night' is not a Quartz cron expression");
    }

    @Test
    void a_routes_directory_without_pairs_is_named(@TempDir Path routes) {
        assertOneLineError(CliRun.of("run", "--routes", routes.toString()), "--routes: no *.camel.yaml file in");
    }
}
