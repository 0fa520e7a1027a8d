package io.s3replicator.state.dynamodb;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.JobResult;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.model.ConfigException;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.DynamoDbLocalKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Start-up of the DynamoDB backend: its tables, missing, created or wrong, and the items it writes. */
class DynamoDbStateBackendTest {
    static DynamoDbClient client;

    @BeforeAll
    static void client() {
        client = DynamoDbLocal.client();
    }

    @AfterAll
    static void close() {
        client.close();
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static StateSettings settings(String jobTable, String inFlightTable, boolean create) {
        return new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("unused"), null, null, null, jobTable,
                inFlightTable, DynamoDbLocal.endpoint(), "us-east-1", create, Duration.ofMinutes(10));
    }

    static StateBackend open(StateSettings settings) {
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use()) {
            return StateBackend.open(settings);
        }
    }

    @Test
    void a_missing_table_without_create_tables_is_a_config_error_naming_the_property_and_the_table() {
        String jobTable = unique("absent-jobs");
        assertThatThrownBy(() -> open(settings(jobTable, unique("absent-in-flight"), false)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).field())
                        .isEqualTo("s3replicator.state.dynamodb.job-table"))
                .hasMessageStartingWith("s3replicator.state.dynamodb.job-table: DynamoDB table '" + jobTable
                        + "' does not exist")
                .hasMessageContaining("s3replicator.state.dynamodb.create-tables=true")
                .hasMessageNotContaining("\n");
        assertThat(client.listTables().tableNames()).doesNotContain(jobTable);

        // The job table is there, the in-flight table is not: that one is named.
        String present = unique("jobs");
        open(settings(present, unique("in-flight"), true)).close();
        String inFlight = unique("absent-in-flight");
        assertThatThrownBy(() -> open(settings(present, inFlight, false)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).field())
                        .isEqualTo("s3replicator.state.dynamodb.in-flight-table"))
                .hasMessageContaining("'" + inFlight + "'");
    }

    @Test
    void create_tables_creates_both_tables_as_the_cdk_stack_does_and_they_are_used_as_they_are_afterwards()
            throws Exception {
        String jobTable = unique("jobs");
        String inFlightTable = unique("in-flight");
        open(settings(jobTable, inFlightTable, true)).close();

        TableDescription jobs = client.describeTable(b -> b.tableName(jobTable)).table();
        assertThat(jobs.keySchema()).containsExactly(key("pk", KeyType.HASH), key("sk", KeyType.RANGE));
        assertThat(jobs.attributeDefinitions()).allSatisfy(d -> assertThat(d.attributeType())
                .isEqualTo(ScalarAttributeType.S));
        assertThat(jobs.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        TableDescription inFlight = client.describeTable(b -> b.tableName(inFlightTable)).table();
        assertThat(inFlight.keySchema()).containsExactly(key("id", KeyType.HASH));
        var ttl = client.describeTimeToLive(b -> b.tableName(inFlightTable)).timeToLiveDescription();
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
        assertThat(ttl.attributeName()).isEqualTo("expiresAt");

        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use(); StateBackend again = open(settings(jobTable, inFlightTable,
                false))) {
            again.ping();
        }
    }

    @Test
    void an_endpoint_without_a_region_signs_for_us_east_1_and_a_junk_endpoint_names_its_property() throws Exception {
        String jobTable = unique("jobs");
        StateSettings noRegion = new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("unused"), null, null, null,
                jobTable, unique("in-flight"), DynamoDbLocal.endpoint(), null, true, Duration.ofMinutes(10));
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use(); StateBackend backend = open(noRegion)) {
            backend.ping();
        }
        // DynamoDB Local keeps tables per region: the test client's (us-east-1) sees this one.
        assertThat(client.listTables().tableNames()).contains(jobTable);

        StateSettings junk = new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("unused"), null, null, null,
                unique("jobs"), unique("in-flight"), "localhost:8000", "us-east-1", true, Duration.ofMinutes(10));
        assertThatThrownBy(() -> open(junk))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).field())
                        .isEqualTo("s3replicator.state.dynamodb.endpoint"))
                .hasMessageContaining("'localhost:8000' is not an http(s) URL");
    }

    @Test
    void a_table_with_other_keys_is_refused_with_the_property_named() {
        String wrong = unique("wrong-keys");
        client.createTable(b -> b.tableName(wrong).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(d -> d.attributeName("id").attributeType(ScalarAttributeType.S))
                .keySchema(key("id", KeyType.HASH)));
        assertThatThrownBy(() -> open(settings(wrong, unique("in-flight"), true)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s3replicator.state.dynamodb.job-table: DynamoDB table '" + wrong
                        + "' has keys [id HASH], expected [pk, sk]");
    }

    @Test
    void items_are_laid_out_as_documented_and_in_flight_expiry_is_in_epoch_seconds_for_ttl() throws Exception {
        String jobTable = unique("jobs");
        String inFlightTable = unique("in-flight");
        StateBackend backend = open(settings(jobTable, inFlightTable, true));
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use()) {
            backend.jobStore().recordResult(new JobResult("run-1", "pair", "dir/a.txt", "x/dir/a.txt", "COPY",
                    JobResult.Outcome.COPIED, null, "etag", "v1", 5, "relay", 3));
            List<Map<String, AttributeValue>> items = client.scan(b -> b.tableName(jobTable)).items();
            assertThat(items).singleElement().satisfies(item -> {
                assertThat(item.get("pk").s()).matches("run#run-1#(0[0-9]|1[0-5])");
                assertThat(item.get("sk").s()).isEqualTo("job#" + JobStore.jobId("run-1", "pair", "dir/a.txt",
                        "etag", "v1"));
                assertThat(item.get("sourceKey").s()).isEqualTo("dir/a.txt");
                assertThat(item.get("versionId").s()).isEqualTo("v1");
                assertThat(item.get("status").s()).isEqualTo("COPIED");
                assertThat(item.get("attempts").n()).isEqualTo("1");
            });

            backend.leases().tryAcquire("diff#pair", "worker-1", Duration.ofMinutes(5));
            assertThat(client.getItem(b -> b.tableName(jobTable).key(Map.of("pk", AttributeValue.fromS("lease#diff#pair"),
                    "sk", AttributeValue.fromS("lease")))).item()).containsEntry("owner", AttributeValue.fromS("worker-1"));

            backend.checkpoints().started(new CheckpointStore.Upload("bucket", "big", "etag", "upload-1", 5 << 20));
            assertThat(client.scan(b -> b.tableName(jobTable)).items()).extracting(i -> i.get("pk").s().split("#")[0]
                    + "#" + i.get("sk").s().replaceAll("[0-9a-f]{64}", "H"))
                    .contains("upload#id#H", "parts#upload");

            assertThat(backend.inFlight().add("job-key")).isTrue();
            Map<String, AttributeValue> entry = client.getItem(b -> b.tableName(inFlightTable)
                    .key(Map.of("id", AttributeValue.fromS("job-key")))).item();
            long expected = Instant.now().plus(Duration.ofMinutes(10)).getEpochSecond();
            assertThat(Long.parseLong(entry.get("expiresAt").n())).isCloseTo(expected, within(5L));
            assertThat(entry.get("owner").s()).isNotBlank();
        } finally {
            backend.close();
        }
        assertThatThrownBy(backend::ping).as("closed: readiness goes down").isInstanceOf(IllegalStateException.class);
    }

    @Test
    void both_tables_expire_with_ttl_and_every_item_kind_but_upload_checkpoints_carries_its_expiry() throws Exception {
        String jobTable = unique("jobs");
        String inFlightTable = unique("in-flight");
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use(); StateBackend backend = open(settings(jobTable,
                inFlightTable, true))) {
            for (String table : List.of(jobTable, inFlightTable)) {
                var ttl = client.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription();
                assertThat(ttl.timeToLiveStatus()).as(table).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
                assertThat(ttl.attributeName()).as(table).isEqualTo("expiresAt");
            }
            JobResult failed = new JobResult("run-1", "pair", "a", "a", "COPY", JobResult.Outcome.FAILED, "503", "e",
                    null, 1, null, 3);
            backend.jobStore().recordResult(failed);
            backend.jobStore().recordFirstCopy(new JobResult("run-1", "pair", "b", "b", "COPY",
                    JobResult.Outcome.COPIED, null, "e", null, 1, "relay", 3)).get();
            backend.copiedEtags().copied("bucket", "c", "src", "dst-2");
            backend.keySequencers().advance("pair", "d", "0055AED6DCD90281E6");
            backend.checkpoints().started(new CheckpointStore.Upload("bucket", "big", "etag", "upload-1", 5 << 20));
            backend.leases().tryAcquire("diff#pair", "worker-1", Duration.ofMinutes(5));

            long retention = Instant.now().plus(StateSettings.DEFAULT_RETENTION).getEpochSecond();
            Map<String, Long> expiry = new java.util.TreeMap<>();
            for (String table : List.of(jobTable, inFlightTable)) {
                for (Map<String, AttributeValue> item : client.scan(b -> b.tableName(table)).items()) {
                    String kind = (item.containsKey("pk") ? item.get("pk").s() : item.get("id").s()).split("#")[0];
                    expiry.put(kind, item.containsKey("expiresAt") ? Long.parseLong(item.get("expiresAt").n()) : null);
                }
            }
            assertThat(expiry).containsOnlyKeys("run", "copied", "sequencer", "upload", "parts", "lease");
            assertThat(expiry.get("run")).as("job results").isCloseTo(retention, within(5L));
            assertThat(expiry.get("copied")).isCloseTo(retention, within(5L));
            assertThat(expiry.get("sequencer")).isCloseTo(retention, within(5L));
            assertThat(expiry.get("lease")).isCloseTo(Instant.now().plus(Duration.ofMinutes(5)).getEpochSecond(),
                    within(5L));
            assertThat(expiry.get("upload")).as("a checkpoint lives as long as its upload").isNull();
            assertThat(expiry.get("parts")).isNull();

            // Each job result item, the batched first copy's and the updated failure's, carries it.
            assertThat(client.scan(b -> b.tableName(jobTable)).items()).filteredOn(i -> i.get("pk").s().startsWith("run#"))
                    .hasSize(2).allSatisfy(i -> assertThat(i).containsKey("expiresAt"));
        }
    }

    static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
