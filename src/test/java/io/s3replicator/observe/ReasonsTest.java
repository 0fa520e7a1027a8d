package io.s3replicator.observe;

import io.s3replicator.record.Reasons;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReasonsTest {

    @Test
    void failures_are_tagged_by_class_never_by_their_text() {
        assertThat(Reasons.tag("FAILED", "503 SlowDown: Please reduce your request rate")).isEqualTo("transient");
        assertThat(Reasons.tag("FAILED", "403 AccessDenied: Access Denied")).isEqualTo("permanent");
        assertThat(Reasons.tag("FAILED", "412 PreconditionFailed: At least one of the pre-conditions"))
                .isEqualTo("source_changed");
        assertThat(Reasons.tag("FAILED", "SocketTimeoutException: Read timed out")).isEqualTo("transient");
        assertThat(Reasons.tag("FAILED", "source endpoint http://10.0.0.1:9000 is unreachable (Connection refused)"))
                .isEqualTo("transient");
        assertThat(Reasons.tag("FAILED", "unknown replication pair 'x'")).isEqualTo("poison");
        assertThat(Reasons.tag("FAILED", "secret/key/with/a/name.txt broke")).isEqualTo("other");
    }

    @Test
    void a_retried_attempt_is_tagged_by_its_failure_class_like_a_failure() {
        assertThat(Reasons.tag("RETRYING", "503 SlowDown: Please reduce your request rate")).isEqualTo("transient");
        assertThat(Reasons.tag("RETRYING", "SocketTimeoutException: Read timed out")).isEqualTo("transient");
        assertThat(Reasons.tag("RETRYING", "412 PreconditionFailed: At least one of the pre-conditions"))
                .isEqualTo("source_changed");
        assertThat(Reasons.tag("RETRYING", null)).isEqualTo("other");
    }

    @Test
    void skips_map_to_a_fixed_vocabulary() {
        assertThat(Reasons.tag("SKIPPED", "destination already holds this version")).isEqualTo("in_step");
        assertThat(Reasons.tag("SKIPPED", "duplicate of a job in flight")).isEqualTo("duplicate");
        assertThat(Reasons.tag("SKIPPED", "source deleted since it was listed")).isEqualTo("source_deleted");
        assertThat(Reasons.tag("SKIPPED", "Repeated transfer job: caused by the replicator itself"))
                .isEqualTo("loop_guard");
        assertThat(Reasons.tag("SKIPPED", "archived")).isEqualTo("archived");
        assertThat(Reasons.tag("SKIPPED", "archived: restore requested")).isEqualTo("archived");
        assertThat(Reasons.tag("SKIPPED", "archived: restore in progress")).isEqualTo("archived");
        assertThat(Reasons.tag("COPIED", null)).isEqualTo("none");
        assertThat(Reasons.tag("SKIPPED", "something new about logs/2024/x.log")).isEqualTo("other");
    }
}
