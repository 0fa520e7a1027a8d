package io.s3replicator.cli;

import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.util.concurrent.Callable;

@Command(name = "s3-replicator", mixinStandardHelpOptions = true, version = "s3-replicator 0.1.0",
        description = "Keeps S3 buckets in step across accounts, partitions and S3-compatible clouds.",
        subcommands = {SyncCommand.class, RunCommand.class, VerifyCommand.class, DlqCommand.class})
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
