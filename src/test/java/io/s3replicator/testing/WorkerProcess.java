package io.s3replicator.testing;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The replicator as a real process: a worker ({@code run --routes DIR --properties FILE}, see
 * {@link #start}) or any command line ({@code sync ...}, see {@link #command}) in a child JVM on
 * the test classpath (so the test interceptors count and shape its requests). It can be stopped
 * like ECS stops a task (SIGTERM) or killed like a crashed host (SIGKILL).
 */
public final class WorkerProcess implements AutoCloseable {
    private final Process process;
    private final Path output;
    private final Path requestCounts;

    private WorkerProcess(Process process, Path output, Path requestCounts) {
        this.process = process;
        this.output = output;
        this.requestCounts = requestCounts;
    }

    /**
     * @param dir        working directory of this worker (routes, properties, state, output)
     * @param routesYaml the routes file (replication-pair templated routes)
     * @param properties s3replicator.* / camel.* properties
     * @param jvmArgs    extra JVM arguments (-D test switches)
     */
    public static WorkerProcess start(Path dir, String routesYaml, Map<String, String> properties, String... jvmArgs)
            throws IOException {
        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/pairs.camel.yaml"), routesYaml, StandardCharsets.UTF_8);
        StringBuilder props = new StringBuilder("camel.management.enabled = false\ncamel.metrics.enabled = false\n");
        properties.forEach((k, v) -> props.append(k).append(" = ").append(v).append('\n'));
        Path propertiesFile = Files.writeString(dir.resolve("worker.properties"), props.toString(), StandardCharsets.UTF_8);
        return command(dir, List.of(jvmArgs), "run", "--routes", dir.resolve("routes").toString(),
                "--properties", propertiesFile.toString(), "--state-dir", dir.resolve("state").toString());
    }

    /**
     * Any command line ({@code sync s3://A s3://B --source-endpoint ...}) of the real entry point
     * in a child JVM, stdout and stderr to {@code dir/output.txt}.
     *
     * @param dir     working directory of this process (output, request counts)
     * @param jvmArgs extra JVM arguments (-D test switches)
     * @param args    the command line
     */
    public static WorkerProcess command(Path dir, List<String> jvmArgs, String... args) throws IOException {
        Files.createDirectories(dir);
        Path output = dir.resolve("output.txt");
        Path counts = dir.resolve("request-counts.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-Ds3replicator.test.request-counts=" + counts);
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", classpath(), "io.s3replicator.Application"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        pb.environment().put("AWS_REGION", "us-east-1");
        return new WorkerProcess(pb.start(), output, counts);
    }

    /**
     * This JVM's test classpath: java.class.path under surefire; under exec:java (the benchmarks)
     * the project's classes live in a URLClassLoader and java.class.path is Maven's own.
     */
    public static String classpath() {
        List<String> entries = new ArrayList<>();
        for (ClassLoader l = WorkerProcess.class.getClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if ("file".equals(url.getProtocol())) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (URISyntaxException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        }
        return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
    }

    /** Like a host that dies: no shutdown, no cleanup, messages in hand stay invisible until their timeout. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Like ECS stopping a task (SIGTERM): Camel shuts down gracefully. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to exit by itself; its exit code, or null if it is still running. */
    public Integer waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit) ? process.exitValue() : null;
    }

    public String output() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
    }

    /** Requests this worker sent by "service operation", written when it exited gracefully. */
    public Map<String, Long> requestCounts() throws IOException {
        return Files.exists(requestCounts) ? RequestCounts.read(requestCounts) : Map.of();
    }
}
