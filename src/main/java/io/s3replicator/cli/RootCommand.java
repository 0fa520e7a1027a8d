package io.s3replicator.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/**
 * The top command. Its help options, version and layout are inherited by every command and
 * subcommand ({@code scope = INHERIT}): {@code -h}/{@code --help} and {@code -V}/{@code --version}
 * work everywhere, and each command's help ends with its own examples.
 */
@Command(name = "s3-replicator", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = BuildVersion.class, usageHelpAutoWidth = true,
        description = "Keeps S3 buckets in step across accounts, partitions and S3-compatible clouds.",
        subcommands = {SyncCommand.class, RunCommand.class, VerifyCommand.class, DlqCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  s3-replicator sync s3://src-bucket/logs s3://dst-bucket/logs",
            "  s3-replicator run --routes routes",
            "  s3-replicator sync --help"})
public class RootCommand implements Callable<Integer> {
    final PrintStream out;
    final PrintStream err;

    public RootCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        err.println("s3-replicator: a command is required: sync, run, verify or dlq (see 's3-replicator --help')");
        return ExitCodes.USAGE;
    }
}
