package io.s3replicator.observe;

import io.s3replicator.record.ReplicatorMetrics;

import io.s3replicator.record.RunRegistry;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.s3replicator.model.Job;
import io.s3replicator.record.JobRecorder;
import io.s3replicator.state.JobResult.Outcome;
import io.s3replicator.state.jdbc.EmbeddedDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-object log line, as text (default) and as JSON (LOG_FORMAT=json), from the application's own logging set-up (LogConfiguration). */
class ObjectLogTest {
    private final PrintStream originalErr = System.err;

    @TempDir
    Path state;

    @AfterEach
    void restore() throws Exception {
        System.setErr(originalErr);
        System.clearProperty("LOG_FORMAT");
        configure();
    }

    @Test
    void text_lines_keep_the_key_value_shape() throws Exception {
        String out = recordOneOfEach();

        assertThat(out).contains("objects - pair=p1 key=dir/a b.txt size=42 outcome=COPIED path=relay ms=7\n");
        assertThat(out).contains("objects - pair=p1 key=dup.txt size=0 outcome=SKIPPED path=- ms=1"
                + " reason=duplicate of a job in flight\n");
        assertThat(out).contains("WARN  ").contains("pair=p1 key=bad.txt size=5 outcome=FAILED ms=3 reason=403 AccessDenied");
    }

    @Test
    void json_lines_carry_each_field_separately() throws Exception {
        System.setProperty("LOG_FORMAT", "json");
        String out = recordOneOfEach();

        ObjectMapper mapper = new ObjectMapper();
        JsonNode copied = null;
        JsonNode failed = null;
        for (String line : out.split("\n")) {
            JsonNode node = mapper.readTree(line);
            if ("COPIED".equals(node.path("outcome").asText())) {
                copied = node;
            } else if ("FAILED".equals(node.path("outcome").asText())) {
                failed = node;
            }
        }
        assertThat(copied).as(out).isNotNull();
        assertThat(copied.path("pair").asText()).isEqualTo("p1");
        assertThat(copied.path("key").asText()).isEqualTo("dir/a b.txt");
        assertThat(copied.path("size").asLong()).isEqualTo(42);
        assertThat(copied.path("path").asText()).isEqualTo("relay");
        assertThat(copied.path("ms").asLong()).isEqualTo(7);
        assertThat(copied.path("logger_name").asText()).isEqualTo("io.s3replicator.objects");
        assertThat(copied.path("service").asText()).isEqualTo("s3-replicator");
        // The human message survives inside the JSON, so the familiar text still greps.
        assertThat(copied.path("message").asText()).startsWith("pair=p1 key=dir/a b.txt size=42 outcome=COPIED");
        assertThat(failed.path("level").asText()).isEqualTo("WARN");
        assertThat(failed.path("reason").asText()).isEqualTo("403 AccessDenied: Access Denied");
    }

    private String recordOneOfEach() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        configure();
        try (EmbeddedDatabase store = new EmbeddedDatabase(state)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            JobRecorder recorder = new JobRecorder(store, new RunRegistry(), new ReplicatorMetrics(meters));
            recorder.record(job("dir/a b.txt", 42), "dir/a b.txt", Outcome.COPIED, null, 42, "relay", 7);
            recorder.record(job("dup.txt", 9), "dup.txt", Outcome.SKIPPED, "duplicate of a job in flight", 0, null, 1);
            recorder.record(job("bad.txt", 5), "bad.txt", Outcome.FAILED, "403 AccessDenied: Access Denied", 0, null, 3);
            // The same outcomes reach the meters, with bounded tags.
            assertThat(meters.get(ReplicatorMetrics.OBJECTS).tags("outcome", "SKIPPED", "reason", "duplicate")
                    .counter().count()).isEqualTo(1);
            assertThat(meters.get(ReplicatorMetrics.OBJECTS).tags("outcome", "FAILED", "reason", "permanent")
                    .counter().count()).isEqualTo(1);
        }
        System.err.flush();
        return err.toString(StandardCharsets.UTF_8);
    }

    private static Job job(String key, long size) {
        return new Job("p1", null, Job.Operation.COPY, key, size, "etag", null, null, "DIFF", Job.Reason.MISSING,
                System.currentTimeMillis());
    }

    /** Sets logging up again as at start-up, for the LOG_FORMAT now set. */
    private static void configure() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        LogConfiguration.configure(context, System.getProperty("LOG_FORMAT"));
    }
}
