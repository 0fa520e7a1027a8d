package io.s3replicator.testing;

import io.s3replicator.cli.ReplicatorMain;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.discover.DiffRoute;
import io.s3replicator.discover.PairDiffer;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One replicator process, in this JVM: the application's own Camel Main with the given
 * properties (queue and state settings), its pairs registered directly, diffs started on demand.
 */
public final class Worker implements AutoCloseable {
    private final Main main;
    private final CamelContext context;

    private Worker(Main main) {
        this.main = main;
        this.context = main.getCamelContext();
    }

    public static Worker start(Path stateDir, Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("s3replicator.state.dir", stateDir.toString());
        all.put("camel.management.enabled", "false");
        all.put("camel.metrics.enabled", "false");
        all.putAll(properties);
        Main main = ReplicatorMain.create(all, null);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("worker did not start: " + e.getMessage(), e);
        }
        return new Worker(main);
    }

    public CamelContext context() {
        return context;
    }

    public <T> T bean(String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    /** Registers a pair between the two S3Mock instances (source on the first, destination on the second). */
    public ReplicationPair register(String id, String sourceBucket, String destinationBucket) {
        String srcEndpoint = S3MockServers.sourceEndpoint();
        String dstEndpoint = S3MockServers.destinationEndpoint();
        ReplicationPair pair = new ReplicationPair(id,
                S3Uri.parse("source", "s3://" + sourceBucket + "?endpoint=" + srcEndpoint + "&pathStyle=true"),
                S3Uri.parse("destination", "s3://" + destinationBucket + "?endpoint=" + dstEndpoint + "&pathStyle=true"),
                KeyFilter.ALL, false);
        bean("pairs", PairRegistry.class).register(pair);
        return pair;
    }

    /** Starts a diff of the pair without waiting for it; the returned run counts what this worker saw. */
    public RunStats diff(String pairId) {
        RunStats stats = bean("runs", RunRegistry.class).start(pairId, null);
        context.createProducerTemplate().asyncRequestBodyAndHeaders(DiffRoute.ENDPOINT, null,
                Map.of(PairDiffer.PAIR_ID, pairId, PairDiffer.RUN_ID, stats.runId()));
        return stats;
    }

    @Override
    public void close() {
        main.stop();
    }
}
