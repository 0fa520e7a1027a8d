package io.s3replicator.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.s3replicator.wiring.ReplicatorConfiguration;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.Main;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The replicator's Camel Main in this JVM, as {@code run} starts it: the pipeline of
 * {@link ReplicatorConfiguration}, the built-in template and a routes file of replication
 * pairs, with ElasticMQ's client bound as {@code sqsClient}.
 */
public final class RunningReplicator implements AutoCloseable {
    private final Main main;

    private RunningReplicator(Main main) {
        this.main = main;
    }

    /** @param pairsYaml the routes file: one templatedRoute per pair */
    public static RunningReplicator start(Path dir, String pairsYaml, Map<String, String> properties) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("pairs.camel.yaml"), pairsYaml);
        Main main = new Main();
        io.s3replicator.cli.ReplicatorMain.pipeline(main);
        main.bind("sqsClient", ElasticMq.client());
        main.addOverrideProperty("camel.main.routes-include-pattern",
                "classpath:routes/replication-pair.camel.yaml,file:" + routes.toAbsolutePath() + "/*.camel.yaml");
        main.addOverrideProperty("s3replicator.state.dir", dir.resolve("state").toString());
        main.addOverrideProperty("s3replicator.events.wait-seconds", "1");
        main.addOverrideProperty("camel.management.port", "0");
        properties.forEach(main::addOverrideProperty);
        try {
            main.start();
        } catch (Exception | Error e) {
            main.stop();
            throw e;
        }
        return new RunningReplicator(main);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public MeterRegistry meters() {
        return context().getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
    }

    /** Sum of a counter over the series matching the tags (name=value pairs). */
    public double count(String name, String... tags) {
        return meters().find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * Diffs a pair now (the scheduler keeps its own trigger) and returns when the listing is done
     * and its jobs queued; {@link RunStats#awaitCompletion} waits for their outcomes.
     */
    public RunStats diff(String pairId) {
        String runId = java.util.UUID.randomUUID().toString();
        context().createProducerTemplate().sendBodyAndHeaders("direct:diff", null,
                Map.of("S3ReplicatorPairId", pairId, "S3ReplicatorRunId", runId));
        return context().getRegistry().lookupByNameAndType("runs", RunRegistry.class).get(runId);
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        main.stop();
    }
}
