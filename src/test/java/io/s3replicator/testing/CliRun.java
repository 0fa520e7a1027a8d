package io.s3replicator.testing;

import io.s3replicator.cli.Cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** One run of the command line, in this JVM or as a process, with what it printed. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.err.println("=== s3-replicator " + String.join(" ", args));
        int code = Cli.execute(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new TeeStream(err, System.err), true, StandardCharsets.UTF_8), args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * The real entry point ({@code io.s3replicator.Application}) in a child JVM on the test
     * classpath: everything a user would see on stdout and stderr, logging set-up and JVM exit
     * code included, which an in-process run cannot capture.
     *
     * @param environment edits the child's environment (remove a variable to unset it)
     */
    public static CliRun process(Consumer<Map<String, String>> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", productionClasspath(), "io.s3replicator.Application"));
        command.addAll(List.of(args));
        System.err.println("=== (process) s3-replicator " + String.join(" ", args));
        try {
            Path out = Files.createTempFile("cli-out", ".txt");
            Path err = Files.createTempFile("cli-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
                environment.accept(pb.environment());
                Process p = pb.start();
                p.getOutputStream().close();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                    throw new AssertionError("s3-replicator " + String.join(" ", args) + " did not exit within 120 s:\n"
                            + Files.readString(err, StandardCharsets.UTF_8));
                }
                CliRun run = new CliRun(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
                System.err.print(run.err());
                return run;
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The application's classes and its runtime dependencies only, as in the shaded jar: the test
     * jars (S3Mock brings Spring, which prints its own lines) stay out. The build writes the list
     * (pom.xml, runtime-classpath); without it, as in an IDE, the whole test classpath.
     */
    static String productionClasspath() {
        String file = System.getProperty("s3replicator.test.runtime-classpath");
        try {
            if (file != null && Files.isRegularFile(Path.of(file))) {
                Path classes = Path.of(Cli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                return classes + java.io.File.pathSeparator + Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            }
        } catch (IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return WorkerProcess.classpath();
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
