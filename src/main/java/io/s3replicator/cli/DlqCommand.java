package io.s3replicator.cli;

import io.s3replicator.model.ConfigException;
import io.s3replicator.queue.DeadLetters;
import io.s3replicator.queue.JobQueues;
import io.s3replicator.queue.SqsQueues;
import io.s3replicator.queue.SqsSettings;
import io.s3replicator.config.SettingValues;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.state.jdbc.EmbeddedDatabase;
import io.s3replicator.store.S3Errors;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "dlq", sortOptions = false,
        description = {"List or redrive the jobs that failed for good.",
            "Distributed mode (s3replicator.queue.kind=sqs): the workers' dead-letter queue (s3replicator.sqs.dlq)."
                + " One machine: the dead-letter table of the state store (s3replicator.state.*, --state-dir);"
                + " an embedded state directory can be read only while no replicator has it open.",
            "Settings come from the same properties file and environment variables as the replicator's."},
        subcommands = {DlqCommand.ListDead.class, DlqCommand.Redrive.class},
        footer = {
            "  s3-replicator dlq list --state-dir data",
            "  s3-replicator dlq list --properties worker.properties",
            "  s3-replicator dlq redrive --properties worker.properties --max 10"})
public class DlqCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Override
    public Integer call() {
        root.err.println("s3-replicator: a subcommand is required: list or redrive (see 's3-replicator dlq --help')");
        return ExitCodes.USAGE;
    }

    abstract static class Base implements Callable<Integer> {
        @ParentCommand
        DlqCommand dlq;
        @Option(names = "--properties", paramLabel = "FILE",
                description = "the properties file the workers run with (s3replicator.sqs.*); environment variables apply too")
        Path properties;
        @Option(names = "--state-dir", paramLabel = "DIR",
                description = "one machine: the embedded state directory (default: s3replicator.state.dir, else data)")
        Path stateDir;
        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "at most N jobs (default: ${DEFAULT-VALUE})")
        int max;

        @Override
        public Integer call() {
            if (max < 1) {
                throw new ConfigException("--max", max + " must be at least 1");
            }
            Logging.level("org.apache.camel", "WARN");
            // The same property sources as the replicator: built-in defaults, the file, then environment variables.
            DefaultCamelContext context = new DefaultCamelContext();
            SqsSettings sqs = null;
            StateSettings state = null;
            try {
                context.getPropertiesComponent().setLocation("classpath:application.properties");
                Properties overrides = properties == null ? new Properties() : ReplicatorMain.load(properties.toString());
                // Listing and redriving never create queues or tables.
                overrides.setProperty("s3replicator.sqs.create-queues", "false");
                overrides.setProperty(StateSettings.PREFIX + "dynamodb.create-tables", "false");
                if (stateDir != null) {
                    overrides.setProperty(StateSettings.PREFIX + "dir", stateDir.toString());
                }
                context.getPropertiesComponent().setOverrideProperties(overrides);
                if ("sqs".equals(SettingValues.get(context.getPropertiesComponent(), "s3replicator.queue.kind", "embedded"))) {
                    sqs = JobQueues.sqsSettings(context.getPropertiesComponent());
                } else {
                    state = StateSettings.from(context.getPropertiesComponent());
                }
            } finally {
                context.stop();
            }
            if (sqs != null) {
                try (SqsQueues queues = new SqsQueues(sqs, 4)) {
                    return onQueue(queues);
                }
            }
            if (state.kind() == StateSettings.Kind.EMBEDDED && !EmbeddedDatabase.existsIn(state.dir())) {
                // Reading must not create a database: a mistyped directory is an error, not "0 dead jobs".
                throw new ConfigException("--state-dir", "no state database in " + state.dir()
                        + " (give the directory the replicator or sync ran with)");
            }
            try (StateBackend backend = StateBackend.open(state)) {
                return onTable(backend.deadLetters(), where(state));
            }
        }

        abstract int onQueue(SqsQueues queues);

        abstract int onTable(DeadLetterJobs table, String where);

        private static String where(StateSettings state) {
            return switch (state.kind()) {
                case EMBEDDED -> "the state directory " + state.dir();
                case JDBC -> "the JDBC state store";
                case DYNAMODB -> "the DynamoDB table " + state.jobTable();
            };
        }
    }

    @Command(name = "list", sortOptions = false,
            description = {"Print the dead jobs with the reason each failed.",
                "One entry per job, at most --max: its id, when it failed, receives (SQS) or failures (table),"
                    + " pair, reason, then the job."},
            footer = {"  s3-replicator dlq list --state-dir data",
                "  s3-replicator dlq list --properties worker.properties --max 20"})
    static class ListDead extends Base {
        @Override
        int onQueue(SqsQueues queues) {
            List<DeadLetters.Entry> entries = new DeadLetters(queues).list(max);
            for (DeadLetters.Entry e : entries) {
                dlq.root.out.printf("%s  %s  receives=%s  pair=%s  reason=%s%n    %s%n", e.messageId(),
                        orDash(e.failedAt()), orDash(e.receives()), orDash(e.pair()), orDash(e.reason()), e.body());
            }
            dlq.root.out.printf("%d message%s in %s%n", entries.size(), entries.size() == 1 ? "" : "s",
                    SqsQueues.nameOf(queues.deadLetterUrl()));
            return ExitCodes.OK;
        }

        @Override
        int onTable(DeadLetterJobs table, String where) {
            List<DeadLetterJobs.Entry> entries = table.list(max);
            for (DeadLetterJobs.Entry e : entries) {
                dlq.root.out.printf("%s  %s  failures=%d  pair=%s  reason=%s%s%n    %s%n", e.id().substring(0, 12),
                        e.failedAt(), e.failures(), orDash(e.pairId()), orDash(e.reason()),
                        e.redrive() ? "  (marked for redrive)" : "", e.body());
            }
            dlq.root.out.printf("%d dead job%s in %s%n", entries.size(), entries.size() == 1 ? "" : "s", where);
            return ExitCodes.OK;
        }
    }

    @Command(name = "redrive", sortOptions = false,
            description = {"Send dead jobs back to the job queue; fix what made them fail first.",
                "SQS: at most --max messages move from the DLQ to the job queue, unchanged.",
                "Table: at most --max entries are marked; a replicator on that state queues them (within"
                    + " s3replicator.dead-letters.redrive-poll seconds, or when it next starts), and an entry"
                    + " leaves the table when its job ends well."},
            footer = {"  s3-replicator dlq redrive --state-dir data",
                "  s3-replicator dlq redrive --properties worker.properties --max 100"})
    static class Redrive extends Base {
        @Override
        int onQueue(SqsQueues queues) {
            int moved;
            try {
                moved = new DeadLetters(queues).redrive(max);
            } catch (DeadLetters.RedriveFailed e) {
                // What moved has moved (sent, then deleted): say how far it got.
                dlq.root.err.printf("s3-replicator: moved %d message%s back to %s, then stopped: %s%n", e.moved(),
                        e.moved() == 1 ? "" : "s", SqsQueues.nameOf(queues.queueUrl()), S3Errors.describe(e.getCause()));
                return ExitCodes.FAILURES;
            }
            dlq.root.out.printf("moved %d message%s from %s back to %s%n", moved, moved == 1 ? "" : "s",
                    SqsQueues.nameOf(queues.deadLetterUrl()), SqsQueues.nameOf(queues.queueUrl()));
            return ExitCodes.OK;
        }

        @Override
        int onTable(DeadLetterJobs table, String where) {
            int marked = table.markForRedrive(max);
            dlq.root.out.printf("marked %d dead job%s in %s for redrive: a replicator on this state queues them"
                    + " within s3replicator.dead-letters.redrive-poll seconds, or when it next starts%n",
                    marked, marked == 1 ? "" : "s", where);
            return ExitCodes.OK;
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
