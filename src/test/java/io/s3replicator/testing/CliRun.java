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
        System.err.println("=== s3-replicator " + String.join(" ", args));
        int code = Cli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new TeeStream(err, System.err), true, StandardCharsets.UTF_8), args);
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

    /** stderr goes to the test's captured output too, so a hung run still shows its progress. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
