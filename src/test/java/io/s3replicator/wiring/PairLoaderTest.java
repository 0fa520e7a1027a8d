package io.s3replicator.wiring;

import io.s3replicator.config.PairFeatures;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;

import io.s3replicator.model.ConfigException;

import io.s3replicator.store.S3Clients;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pairs as users write them: the real replication-pair template and a routes file, through a
 * real Camel model. An unknown (misspelt) parameter stops start-up with one line naming
 * {@code routeId.parameter} and the closest valid name, before any bucket is contacted.
 */
class PairLoaderTest {
    /** Nothing listens there: a pair that got as far as its bucket check would fail on it instead. */
    static final String NOWHERE = "?endpoint=http://127.0.0.1:9&pathStyle=true";

    static String pairs(String extraParameter) {
        return """
                - templatedRoute:
                    routeTemplateRef: replication-pair
                    routeId: beijing
                    parameters:
                      - {name: source, value: "s3://bucket-a%1$s"}
                      - {name: destination, value: "s3://bucket-b%1$s"}
                      %2$s
                """.formatted(NOWHERE, extraParameter);
    }

    static void start(String routesYaml) throws Exception {
        try (DefaultCamelContext context = context(routesYaml);
             S3Clients clients = new S3Clients(2)) {
            new PairLoader(new PairRegistry(), clients).onCamelContextStarting(context, false);
        }
    }

    /** The built-in template and a routes file in a Camel model, not started. */
    static DefaultCamelContext context(String routesYaml) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        RoutesLoader loader = PluginHelper.getRoutesLoader(context);
        loader.loadRoutes(ResourceHelper.resolveMandatoryResource(context, "classpath:routes/replication-pair.camel.yaml"));
        loader.loadRoutes(ResourceHelper.fromString("pairs.camel.yaml", routesYaml));
        return context;
    }

    @Test
    void every_declared_parameter_is_accepted_and_used_in_camel_or_kebab_case(@TempDir Path dir) throws Exception {
        Path ignore = Files.writeString(dir.resolve("ignore.txt"), "bucket-a/tmp/*\n");
        String yaml = pairs("""
                - {name: schedule, value: "0 0/5 * * * ?"}
                      - {name: include, value: "*.log"}
                      - {name: exclude, value: "*.tmp"}
                      - {name: dry-run, value: "true"}
                      - {name: events, value: "bucket-a-events"}
                      - {name: events-dlq, value: "bucket-a-events-dlq"}
                      - {name: deletes, value: "true"}
                      - {name: twoWay, value: "true"}
                      - {name: ignore, value: "bucket-a/x/*"}
                      - {name: ignoreFile, value: "%s"}
                      - {name: compareVersions, value: "true"}
                      - {name: refresh-version, value: "true"}
                      - {name: getByVersion, value: "false"}
                      - {name: report, value: "%s"}
                      - {name: inventory, value: "s3://inventory-bucket/reports"}""".formatted(ignore, dir.resolve("beijing.jsonl")));
        try (DefaultCamelContext context = context(yaml)) {
            List<PairLoader.Loaded> loaded = PairLoader.load(context);
            assertThat(loaded).hasSize(1);
            ReplicationPair pair = loaded.get(0).pair();
            assertThat(loaded.get(0).schedule()).isEqualTo("0 0/5 * * * ?");
            assertThat(pair.id()).isEqualTo("beijing");
            assertThat(pair.dryRun()).isTrue();
            PairFeatures f = pair.features();
            assertThat(f.events()).isEqualTo("bucket-a-events");
            assertThat(f.eventsDlq()).isEqualTo("bucket-a-events-dlq");
            assertThat(f.deletes()).isTrue();
            assertThat(f.twoWay()).isTrue();
            assertThat(f.ignore().patterns()).hasSize(2);
            assertThat(f.compareVersions()).isTrue();
            assertThat(f.refreshVersion()).isTrue();
            assertThat(f.getByVersion()).isFalse();
            assertThat(loaded.get(0).report()).isEqualTo(dir.resolve("beijing.jsonl"));
            assertThat(f.inventory().uri()).isEqualTo("s3://inventory-bucket/reports/");
            assertThat(f.inventory().endpoint()).as("read as the source is, without options of its own")
                    .isEqualTo(pair.source().endpoint());
        }
    }

    @Test
    void an_inventory_location_that_is_not_an_s3_uri_names_the_parameter() {
        assertThatThrownBy(() -> start(pairs("- {name: inventory, value: \"inventory-bucket/reports\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("beijing.inventory: 'inventory-bucket/reports' is not an s3:// URI");
    }

    @Test
    void a_bucket_that_cannot_be_reached_names_the_pair_and_side() {
        assertThatThrownBy(() -> start(pairs("")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("beijing.source: endpoint http://127.0.0.1:9 is unreachable");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"schedul, schedule", "event, events", "delete, deletes", "twoway, twoWay", "dryrun, dryRun",
        "exlude, exclude", "ignorefile, ignoreFile"})
    void a_misspelt_parameter_stops_start_up_naming_the_closest_valid_one(String misspelt, String meant) {
        assertThatThrownBy(() -> start(pairs("- {name: " + misspelt + ", value: \"true\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("beijing." + misspelt + ": unknown parameter; did you mean '" + meant + "'?");
    }

    @ParameterizedTest
    @CsvSource({"colour", "s3"})
    void a_parameter_like_none_lists_the_valid_ones(String unknown) {
        assertThatThrownBy(() -> start(pairs("- {name: " + unknown + ", value: \"red\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("beijing." + unknown + ": unknown parameter; the parameters are source, destination, schedule,"
                        + " include, exclude, dryRun, events, eventsDlq, deletes, twoWay, ignore, ignoreFile,"
                        + " compareVersions, refreshVersion, getByVersion, report, inventory");
    }

    @Test
    void a_report_file_whose_name_gives_no_format_stops_start_up_naming_the_parameter() {
        assertThatThrownBy(() -> start(pairs("- {name: report, value: \"objects.txt\"}")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("beijing.report: objects.txt: name the format with a .csv or .jsonl file name");
    }
}
