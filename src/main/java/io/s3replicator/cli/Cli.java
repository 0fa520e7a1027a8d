package io.s3replicator.cli;

import io.s3replicator.model.ConfigException;
import io.s3replicator.wiring.PairLoader;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Runs a command line and turns every failure into one clear line and an exit code.
 * Stack traces only with {@code --debug}.
 */
public final class Cli {
    private Cli() {
    }

    public static int execute(PrintStream out, PrintStream err, String... args) {
        boolean debug = java.util.Arrays.asList(args).contains("--debug");
        if (debug) {
            Logging.printStatus(err);
        }
        CommandLine cli = new CommandLine(new RootCommand(out, err));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            CommandLine cmd = ex.getCommandLine();
            err.println("s3-replicator: " + firstLine(ex.getMessage()) + suggestion(ex) + " (see '"
                    + cmd.getCommandSpec().qualifiedName() + " --help')");
            if (debug) {
                ex.printStackTrace(err);
            }
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            err.println("s3-replicator: " + oneLine(ex));
            if (debug) {
                ex.printStackTrace(err);
            }
            return ExitCodes.USAGE;
        });
        try {
            Logging.checkFormat();
        } catch (ConfigException e) {
            err.println("s3-replicator: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        return cli.execute(args);
    }

    /**
     * The option or command nearest to a misspelt one ('--dry-rn'), as "; did you mean '--dry-run'?":
     * picocli's candidates, kept only when one is a few edits away (not '--from-report' for '--frobnicate').
     */
    private static String suggestion(CommandLine.ParameterException ex) {
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
                && !u.getUnmatched().isEmpty()) {
            String typed = u.getUnmatched().get(0);
            int eq = typed.indexOf('=');
            String closest = PairLoader.closest(eq > 0 ? typed.substring(0, eq) : typed, u.getSuggestions());
            return closest == null ? "" : "; did you mean '" + closest + "'?";
        }
        return "";
    }

    /** The most useful single line for a failure: a ConfigException anywhere in the chain wins. */
    public static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException) {
                return t.getMessage();
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = firstLine(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        if (root == e) {
            return top;
        }
        String cause = firstLine(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
        return top.contains(cause) ? top : top + ": " + cause;
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).strip();
    }
}
