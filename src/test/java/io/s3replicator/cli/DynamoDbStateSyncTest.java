package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.DynamoDbLocalKeys;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole pipeline on the DynamoDB state backend: {@code sync} selects it through system
 * properties ({@code -Ds3replicator.state.kind=dynamodb ...}, as on a worker's command line)
 * against DynamoDB Local.
 */
class DynamoDbStateSyncTest extends TwoEndpoints {
    static final String P = "s3replicator.state.";
    String jobTable;
    String inFlightTable;
    DynamoDbLocalKeys keys;
    DynamoDbClient dynamo;

    @BeforeEach
    void select_the_dynamodb_backend() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        jobTable = "sync-jobs-" + suffix;
        inFlightTable = "sync-in-flight-" + suffix;
        System.setProperty(P + "kind", "dynamodb");
        System.setProperty(P + "dynamodb.endpoint", DynamoDbLocal.endpoint());
        System.setProperty(P + "dynamodb.region", "us-east-1");
        System.setProperty(P + "dynamodb.job-table", jobTable);
        System.setProperty(P + "dynamodb.in-flight-table", inFlightTable);
        System.setProperty(P + "dynamodb.create-tables", "true");
        keys = DynamoDbLocalKeys.use();
        dynamo = DynamoDbLocal.client();
    }

    @AfterEach
    void back_to_the_default() {
        for (String name : List.of("kind", "dynamodb.endpoint", "dynamodb.region", "dynamodb.job-table",
                "dynamodb.in-flight-table", "dynamodb.create-tables")) {
            System.clearProperty(P + name);
        }
        keys.close();
        dynamo.close();
    }

    CliRun sync(String a, String b) {
        return CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint, "--dest-endpoint",
                dstEndpoint, "--path-style", "--state-dir", state.toString(), "--progress", "0");
    }

    List<Map<String, AttributeValue>> jobItems() {
        return dynamo.scan(b -> b.tableName(jobTable)).items().stream()
                .filter(i -> i.get("pk").s().startsWith("run#")).toList();
    }

    @Test
    void sync_copies_each_object_once_and_the_job_status_lands_in_dynamodb() {
        String a = Buckets.create(src, "ddb-src");
        String b = Buckets.create(dst, "ddb-dst");
        Buckets.put(src, a, "one.txt", "1");
        Buckets.put(src, a, "dir/two.txt", "22");
        Buckets.put(src, a, "three.txt", "333");

        CliRun first = sync(a, b);

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.count("copied")).isEqualTo(3);
        assertThat(new String(Buckets.get(dst, b, "dir/two.txt"))).isEqualTo("22");
        assertThat(jobItems()).hasSize(3).allSatisfy(item -> {
            assertThat(item.get("status").s()).isEqualTo("COPIED");
            assertThat(item.get("attempts").n()).as("copied once").isEqualTo("1");
            assertThat(item.get("pairId").s()).isEqualTo("sync");
        });
        assertThat(jobItems()).extracting(i -> i.get("sourceKey").s())
                .containsExactlyInAnyOrder("one.txt", "dir/two.txt", "three.txt");
        assertThat(jobItems()).extracting(i -> i.get("runId").s()).containsOnly(jobItems().get(0).get("runId").s());
        // Every job ended: no claim is left, only the done marks that drop late duplicates for a while.
        assertThat(dynamo.scan(r -> r.tableName(inFlightTable)).items()).as("entries after the sync")
                .hasSize(3).allSatisfy(item -> assertThat(item.get("owner").s()).isEqualTo("done"));
        assertThat(Files.exists(state.resolve("s3-replicator.mv.db"))).as("no embedded database opened").isFalse();

        CliRun second = sync(a, b);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.count("copied")).isZero();
        assertThat(second.out()).contains("in step 3");
        assertThat(jobItems()).hasSize(3);
    }

    @Test
    void a_missing_table_stops_sync_with_one_line_naming_the_property() {
        System.setProperty(P + "dynamodb.create-tables", "false");
        String a = Buckets.create(src, "ddb-missing-src");
        String b = Buckets.create(dst, "ddb-missing-dst");

        CliRun run = sync(a, b);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("s3-replicator: s3replicator.state.dynamodb.job-table: DynamoDB table '"
                + jobTable + "' does not exist");
        assertThat(dynamo.listTables().tableNames()).doesNotContain(jobTable, inFlightTable);
    }
}
