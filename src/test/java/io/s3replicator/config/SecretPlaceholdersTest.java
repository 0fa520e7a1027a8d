package io.s3replicator.config;

import io.s3replicator.testing.AwsApiServer;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.PairsYaml;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code {{aws:NAME#field}}} (Camel's Secrets Manager properties function) in a property and in a
 * pair parameter, read from the in-test Secrets Manager over HTTP by the real SDK client.
 */
class SecretPlaceholdersTest extends TwoEndpoints {

    /** Where the properties function finds Secrets Manager: the camel.vault.aws.* properties. */
    static Map<String, String> vault(AwsApiServer server) {
        Map<String, String> p = new HashMap<>();
        p.put("camel.vault.aws.region", "us-east-1");
        p.put("camel.vault.aws.access-key", "AKIAVAULTREADER");
        p.put("camel.vault.aws.secret-key", "vault-reader-secret");
        p.put("camel.vault.aws.override-endpoint", "true");
        p.put("camel.vault.aws.uri-endpoint-override", server.endpoint());
        return p;
    }

    @Test
    void a_database_password_and_a_pair_destination_come_from_secrets_manager() throws Exception {
        String a = Buckets.create(src, "vault-src");
        String b = Buckets.create(dst, "vault-dst");
        Buckets.put(src, a, "k.txt", "v");
        String url = "jdbc:h2:file:" + state.resolve("db/state").toAbsolutePath();
        // The database exists with this user and password: nothing else gets in.
        try (Connection c = DriverManager.getConnection(url, "replicator", "pa55-from-vault")) {
            assertThat(c.isValid(5)).isTrue();
        }
        try (AwsApiServer server = new AwsApiServer()) {
            server.putSecret("s3r/db", "{\"user\":\"replicator\",\"password\":\"pa55-from-vault\"}");
            server.putSecret("s3r/pair", "{\"destination\":\"s3://" + b + "?endpoint=" + dstEndpoint + "\"}");
            Map<String, String> properties = vault(server);
            properties.put("s3replicator.state.kind", "jdbc");
            properties.put("s3replicator.state.jdbc.url", url);
            properties.put("s3replicator.state.jdbc.user", "{{aws:s3r/db#user}}");
            properties.put("s3replicator.state.jdbc.password", "{{aws:s3r/db#password}}");
            String yaml = PairsYaml.pair("vaulted", a, srcEndpoint, "placeholder", dstEndpoint)
                    .replace("\"s3://placeholder?endpoint=" + dstEndpoint + "\"", "\"{{aws:s3r/pair#destination}}\"");

            try (RunningReplicator replicator = RunningReplicator.start(state, yaml, properties)) {
                assertThat(replicator.diff("vaulted").awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
            }

            assertThat(Buckets.keys(dst, b)).containsExactly("k.txt");
            assertThat(server.secretReads.get()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void a_missing_secret_stops_run_with_one_line_naming_the_placeholder() throws Exception {
        String a = Buckets.create(src, "vault-missing-src");
        try (AwsApiServer server = new AwsApiServer()) {
            Map<String, String> properties = vault(server);
            properties.put("camel.management.enabled", "false");
            properties.put("s3replicator.state.kind", "jdbc");
            properties.put("s3replicator.state.jdbc.url", "jdbc:h2:mem:vault-missing");
            properties.put("s3replicator.state.jdbc.password", "{{aws:no-such-secret#password}}");
            java.nio.file.Path file = state.resolve("vault.properties");
            java.nio.file.Files.write(file, properties.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                    .toList());
            java.nio.file.Path routes = java.nio.file.Files.createDirectories(state.resolve("routes"));
            java.nio.file.Files.writeString(routes.resolve("pairs.camel.yaml"),
                    PairsYaml.pair("p", a, srcEndpoint, a + "-copy", dstEndpoint));

            io.s3replicator.testing.CliRun run = io.s3replicator.testing.CliRun.of("run", "--routes", routes.toString(),
                    "--properties", file.toString(), "--state-dir", state.resolve("db").toString());

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
            assertThat(run.out()).isEmpty();
            assertThat(run.err()).isEqualTo("s3-replicator: {{aws:no-such-secret#password}}: secret 'no-such-secret'"
                    + " cannot be read from AWS Secrets Manager (camel.vault.aws.*): 400 ResourceNotFoundException:"
                    + " Secrets Manager can't find the specified secret.\n");
        }
    }
}
