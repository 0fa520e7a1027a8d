package io.s3replicator.cli;

import io.s3replicator.config.ConfigException;
import io.s3replicator.queue.DeadLetters;
import io.s3replicator.queue.JobQueues;
import io.s3replicator.queue.SqsQueues;
import io.s3replicator.queue.SqsSettings;
import org.apache.camel.impl.DefaultCamelContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
                if (properties != null) {
                    Properties file = new Properties();
                    try (Reader in = Files.newBufferedReader(properties, StandardCharsets.UTF_8)) {
                        file.load(in);
                    } catch (IOException e) {
                        throw new ConfigException("--properties", properties + " cannot be read: " + e.getMessage());
                    }
                    context.getPropertiesComponent().setOverrideProperties(file);
                }
                SqsSettings settings = JobQueues.sqsSettings(context.getPropertiesComponent());
                // Listing and redriving never create queues.
                return new SqsQueues(new SqsSettings(settings.queue(), settings.deadLetterQueue(), settings.endpoint(),
                        settings.region(), false, settings.maxReceives(), settings.visibilitySeconds(),
                        settings.waitSeconds(), settings.retryDelaySeconds()), 4);
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
                int moved = new DeadLetters(queues).redrive(max);
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
