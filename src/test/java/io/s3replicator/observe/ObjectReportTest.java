package io.s3replicator.observe;

import io.s3replicator.config.ReportFormat;

import io.s3replicator.record.FailedKeys;

import io.s3replicator.record.ObjectReport;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.KeyFilter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A report read back ({@code sync --from-report}): every key whose last line failed, exactly, whatever
 * it holds, in both formats.
 */
class ObjectReportTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"r.csv", "r.jsonl"})
    void the_failed_keys_come_back_byte_for_byte(String name) {
        ReplicationPair pair = new ReplicationPair("p", S3Uri.parse("source", "s3://src/in"),
                S3Uri.parse("destination", "s3://dst/out"), KeyFilter.ALL, false);
        Path file = dir.resolve(name);
        String[] awkward = {"in/a,b.txt", "in/\"quoted\"", "in/line\nbreak", "in/ spaces ", "in/ünï cödé/🚀", "in/cr\r\nlf"};
        try (ObjectReport report = new ObjectReport("--report", pair, file, ReportFormat.of("--report", file, null),
                false)) {
            report.write(new ObjectReport.Line("in/ok.txt", null, false, "COPY", 1, "COPIED", null, "relay", "e",
                    "out/ok.txt", "e", 3));
            for (String key : awkward) {
                report.write(new ObjectReport.Line(key, "v1", true, "COPY", 2, "FAILED",
                        "503 SlowDown: Please reduce your request rate", null, "e2", "out/" + key.substring(3), null, 4));
            }
            // Failed, then copied by a later diff of the same run pair: its last line decides.
            report.write(new ObjectReport.Line("in/later.txt", null, true, "COPY", 1, "FAILED", "500 InternalError: x",
                    null, "e", "out/later.txt", null, 3));
            report.write(new ObjectReport.Line("in/later.txt", null, false, "COPY", 1, "COPIED", null, "relay", "e",
                    "out/later.txt", "e", 3));
        }

        FailedKeys failed = FailedKeys.read("--from-report", file);

        assertThat(failed.bucket()).isEqualTo("src");
        assertThat(failed.keys()).containsExactly(awkward);
    }
}
