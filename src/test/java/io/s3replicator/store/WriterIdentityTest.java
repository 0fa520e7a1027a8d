package io.s3replicator.store;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WriterIdentityTest {
    @Test
    void the_replicators_identity_matches_users_role_sessions_and_listed_ids() {
        WriterIdentity user = new WriterIdentity("AIDA22DTNGKCEFNXNVSDR", null, null, "configured");
        assertThat(user.matches("AWS:AIDA22DTNGKCEFNXNVSDR")).isTrue();
        assertThat(user.matches("AIDA22DTNGKCEFNXNVSDR")).isTrue();
        assertThat(user.matches("AWS:AIDAOTHER")).isFalse();
        WriterIdentity role = new WriterIdentity("AROAEXAMPLEROLEID", null, null, "configured");
        assertThat(role.matches("AWS:AROAEXAMPLEROLEID:replicator-session")).as("any session of the role").isTrue();
        WriterIdentity session = new WriterIdentity("AROAEXAMPLEROLEID:one", null, null, "sts");
        assertThat(session.matches("AWS:AROAEXAMPLEROLEID:two")).isFalse();
        WriterIdentity several = new WriterIdentity("AKIAMINIOKEY, AIDAUSER", null, null, "configured");
        assertThat(several.matches("AKIAMINIOKEY")).isTrue();
        assertThat(several.matches("AWS:AIDAUSER")).isTrue();
        assertThat(several.matches(null)).isFalse();
    }
}
