package io.s3replicator.cli;

import io.s3replicator.model.ConfigException;
import io.s3replicator.queue.DeadLetters;
import io.s3replicator.queue.JobQueues;
import io.s3replicator.queue.SqsQueues;
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
        description = {"List or redrive the jobs in the distributed mode's dead-letter queue.",
            "The queues are the workers' own (s3replicator.sqs.dlq and s3replicator.sqs.queue), read from"
                + " the same properties file and environment variables."},
        subcommands = {DlqCommand.ListDead.class, DlqCommand.Redrive.class},
        footer = {
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
        @Option(names = "--max", paramLabel = "N", defaultValue = "100", description = "at most N messages (default: ${DEFAULT-VALUE})")
        int max;

        SqsQueues queues() {
            if (max < 1) {
                throw new ConfigException("--max", max + " must be at least 1");
            }
            Logging.level("org.apache.camel", "WARN");
            // The same property sources as the workers: built-in defaults, the file, then environment variables.
            DefaultCamelContext context = new DefaultCamelContext();
            try {
                context.getPropertiesComponent().setLocation("classpath:application.properties");
                Properties overrides = properties == null ? new Properties() : ReplicatorMain.load(properties.toString());
                // Listing and redriving never create queues.
                overrides.setProperty("s3replicator.sqs.create-queues", "false");
                context.getPropertiesComponent().setOverrideProperties(overrides);
                return new SqsQueues(JobQueues.sqsSettings(context.getPropertiesComponent()), 4);
            } finally {
                context.stop();
            }
        }
    }

    @Command(name = "list", sortOptions = false,
            description = {"Print the dead jobs with the reason each failed.",
                "One entry per job, at most --max: message id, when it failed, receives, pair, reason, the job."},
            footer = "  s3-replicator dlq list --properties worker.properties --max 20")
    static class ListDead extends Base {
        @Override
        public Integer call() {
            try (SqsQueues queues = queues()) {
                List<DeadLetters.Entry> entries = new DeadLetters(queues).list(max);
                for (DeadLetters.Entry e : entries) {
                    dlq.root.out.printf("%s  %s  receives=%s  pair=%s  reason=%s%n    %s%n", e.messageId(),
                            orDash(e.failedAt()), orDash(e.receives()), orDash(e.pair()), orDash(e.reason()), e.body());
                }
                dlq.root.out.printf("%d message%s in %s%n", entries.size(), entries.size() == 1 ? "" : "s",
                        SqsQueues.nameOf(queues.deadLetterUrl()));
                return ExitCodes.OK;
            }
        }
    }

    @Command(name = "redrive", sortOptions = false,
            description = {"Send dead jobs back to the job queue and remove them from the DLQ.",
                "At most --max jobs, unchanged; fix what made them fail first."},
            footer = "  s3-replicator dlq redrive --properties worker.properties --max 100")
    static class Redrive extends Base {
        @Override
        public Integer call() {
            try (SqsQueues queues = queues()) {
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
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
