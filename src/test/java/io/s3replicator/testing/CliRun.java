package io.s3replicator.testing;

import io.s3replicator.cli.Cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the command line, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A summary line such as "  copied    3 objects, 10 B" -> 3. */
    public long count(String label) {
        for (String line : out.split("\n")) {
            String t = line.strip();
            if (t.startsWith(label + " ")) {
                return Long.parseLong(t.substring(label.length()).strip().split(" ")[0]);
            }
        }
        throw new AssertionError("no '" + label + "' line in:\n" + out + "\nstderr:\n" + err);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
