package io.s3replicator.cli;

import io.s3replicator.config.ConfigException;
import io.s3replicator.queue.DeadLetters;
import io.s3replicator.queue.JobQueues;
import io.s3replicator.queue.SqsQueues;
import io.s3replicator.storage.S3Errors;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "dlq", sortOptions = false, usageHelpAutoWidth = true,
        description = {"The distributed mode's dead-letter queue (s3replicator.sqs.dlq): list the jobs in it with",
            "the reason each failed, or send them back to the job queue (s3replicator.sqs.queue)."},
        subcommands = {DlqCommand.ListDead.class, DlqCommand.Redrive.class})
public class DlqCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Override
    public Integer call() {
        root.err.println("s3-replicator dlq: a subcommand is required: list or redrive");
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

    @Command(name = "list", description = "Print up to --max dead jobs: message id, when it failed, receives, pair, reason, job.")
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

    @Command(name = "redrive", description = "Send up to --max dead jobs back to the job queue, unchanged, and remove them from the DLQ.")
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
