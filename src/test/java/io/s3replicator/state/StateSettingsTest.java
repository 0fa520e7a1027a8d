package io.s3replicator.state;

import io.s3replicator.model.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateSettingsTest {
    @Test
    void the_kind_is_read_in_any_case_and_an_unknown_one_names_the_property() {
        assertThat(StateSettings.kind(" DynamoDB ")).isEqualTo(StateSettings.Kind.DYNAMODB);
        assertThat(StateSettings.kind("embedded")).isEqualTo(StateSettings.Kind.EMBEDDED);
        assertThatThrownBy(() -> StateSettings.kind("mongo")).isInstanceOf(ConfigException.class)
                .hasMessage("s3replicator.state.kind: 'mongo' is not one of embedded, jdbc, dynamodb");
    }

    @Test
    void the_password_never_appears_in_the_settings_text() {
        StateSettings jdbc = new StateSettings(StateSettings.Kind.JDBC, Path.of("data"),
                "jdbc:postgresql://db/state?password=url-secret", "replicator", "very-secret", "t", "t", null, null,
                false, Duration.ofMinutes(10));
        assertThat(jdbc.toString()).doesNotContain("very-secret").doesNotContain("url-secret")
                .contains("jdbc:postgresql://db/state");
    }

    @Test
    void dynamodb_needs_both_table_names_and_blank_optional_values_are_absent() {
        assertThatThrownBy(() -> new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("data"), null, null, null,
                "jobs", " ", null, null, false, Duration.ofMinutes(10)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s3replicator.state.dynamodb.in-flight-table:");
        StateSettings ok = new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("data"), "", "", "", "jobs",
                "in-flight", " ", "", false, Duration.ofMinutes(10));
        assertThat(ok.endpoint()).isNull();
        assertThat(ok.region()).isNull();
    }
    @Test
    void retention_is_30_days_unless_set_and_shorter_than_an_event_can_wait_is_refused() {
        StateSettings defaults = new StateSettings(StateSettings.Kind.EMBEDDED, Path.of("data"), null, null, null, "t",
                "t", null, null, false, Duration.ofMinutes(10));
        assertThat(defaults.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(new StateSettings(StateSettings.Kind.EMBEDDED, Path.of("data"), null, null, null, "t", "t", null,
                null, false, Duration.ofMinutes(10), Duration.ofDays(15)).retention()).isEqualTo(Duration.ofDays(15));
        assertThatThrownBy(() -> new StateSettings(StateSettings.Kind.EMBEDDED, Path.of("data"), null, null, null, "t",
                "t", null, null, false, Duration.ofMinutes(10), Duration.ofDays(7)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("s3replicator.state.retention: 7 days is below 15");
    }
}
