package io.s3replicator.cli;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.CliRun;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.TwoEndpoints;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dlq list} and {@code dlq redrive} on one machine: the dead-letter table of the embedded
 * state directory, whole output asserted. Before, the command knew only SQS, and a one-machine
 * job that failed for good was kept nowhere but as a FAILED record.
 */
class DlqTableTest extends TwoEndpoints {

    private CliRun sync(String a, String b) {
        return CliRun.of("sync", "s3://" + a, "s3://" + b, "--source-endpoint", srcEndpoint, "--dest-endpoint", dstEndpoint,
                "--path-style", "--state-dir", state.toString(), "--progress", "0");
    }

    @Test
    void a_directory_without_a_state_database_is_an_error_and_stays_empty() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createDirectories(state.resolve("never-used"));

        CliRun list = CliRun.of("dlq", "list", "--state-dir", empty.toString());

        assertThat(list.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(list.out()).isEmpty();
        assertThat(list.err()).isEqualTo("s3-replicator: --state-dir: no state database in " + empty
                + " (give the directory the replicator or sync ran with)\n");
        try (var files = java.nio.file.Files.list(empty)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void a_job_refused_for_good_is_listed_with_its_reason_redriven_and_gone_once_it_is_copied() {
        String a = Buckets.create(src, "dlq-table-a");
        String b = Buckets.create(dst, "dlq-table-b");
        Buckets.put(src, a, "k", "denied, then allowed");
        FaultInjector.failPuts(b, 403);
        try {
            CliRun failed = sync(a, b);
            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCodes.FAILURES);

            CliRun list = CliRun.of("dlq", "list", "--state-dir", state.toString());
            assertThat(list.exitCode()).as(list.toString()).isZero();
            assertThat(list.err()).isEmpty();
            assertThat(list.out()).matches(Pattern.compile(
                    "[0-9a-f]{12}  \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z  failures=1  pair=\\S+  reason=[^\\n]*403[^\\n]*\\n"
                            + "    \\{[^\\n]*\"key\":\"k\"[^\\n]*\\}\\n"
                            + "1 dead job in the state directory " + Pattern.quote(state.toString()) + "\\n"));
        } finally {
            FaultInjector.reset(b);
        }

        CliRun redrive = CliRun.of("dlq", "redrive", "--state-dir", state.toString());
        assertThat(redrive.exitCode()).as(redrive.toString()).isZero();
        assertThat(redrive.err()).isEmpty();
        assertThat(redrive.out()).isEqualTo("marked 1 dead job in the state directory " + state
                + " for redrive: a replicator on this state queues them within s3replicator.dead-letters.redrive-poll"
                + " seconds, or when it next starts\n");
        CliRun marked = CliRun.of("dlq", "list", "--state-dir", state.toString());
        assertThat(marked.out()).contains("  (marked for redrive)\n");

        CliRun copied = sync(a, b);
        assertThat(copied.exitCode()).as(copied.toString()).isZero();
        assertThat(new String(Buckets.get(dst, b, "k"))).isEqualTo("denied, then allowed");
        CliRun empty = CliRun.of("dlq", "list", "--state-dir", state.toString());
        assertThat(empty.exitCode()).isZero();
        assertThat(empty.err()).isEmpty();
        assertThat(empty.out()).isEqualTo("0 dead jobs in the state directory " + state + "\n");
    }
}
