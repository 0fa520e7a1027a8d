package io.s3replicator.cli;

import io.s3replicator.config.ConfigException;
import io.s3replicator.config.PairLoader;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.config.S3Uri;
import io.s3replicator.decide.KeyFilter;
import io.s3replicator.discover.DiffRoute;
import io.s3replicator.discover.PairDiffer;
import io.s3replicator.observe.RunRegistry;
import io.s3replicator.observe.RunStats;
import io.s3replicator.storage.EndpointSpec;
import io.s3replicator.storage.S3Clients;
import io.s3replicator.storage.S3Location;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

@Command(name = "sync", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Copy what is missing or changed from SOURCE to DESTINATION once, then print a summary.",
            "Exit 0 when everything is in step, 1 when any object failed, 2 on bad input."})
public class SyncCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "s3://bucket[/prefix]")
    String source;
    @Parameters(index = "1", paramLabel = "DESTINATION", description = "s3://bucket[/prefix]; its prefix replaces SOURCE's")
    String destination;

    @Option(names = "--source-endpoint", paramLabel = "URL", description = "S3 endpoint of the source (default: AWS)")
    String sourceEndpoint;
    @Option(names = "--dest-endpoint", paramLabel = "URL", description = "S3 endpoint of the destination (default: AWS)")
    String destEndpoint;
    @Option(names = "--source-region", paramLabel = "REGION", description = "source region (default: AWS_REGION / profile; us-east-1 with an endpoint)")
    String sourceRegion;
    @Option(names = "--dest-region", paramLabel = "REGION", description = "destination region (same defaults)")
    String destRegion;
    @Option(names = "--path-style", description = "path-style addressing on both sides")
    boolean pathStyle;
    @Option(names = "--source-path-style", description = "path-style addressing for the source")
    boolean sourcePathStyle;
    @Option(names = "--dest-path-style", description = "path-style addressing for the destination")
    boolean destPathStyle;
    @Option(names = "--source-profile", paramLabel = "NAME", description = "AWS profile for the source (default: the default provider chain)")
    String sourceProfile;
    @Option(names = "--dest-profile", paramLabel = "NAME", description = "AWS profile for the destination (default: the default provider chain)")
    String destProfile;
    @Option(names = "--include", paramLabel = "GLOB", description = "copy only keys matching a glob (repeatable; relative to the source prefix)")
    List<String> includes = new ArrayList<>();
    @Option(names = "--exclude", paramLabel = "GLOB", description = "skip keys matching a glob (repeatable)")
    List<String> excludes = new ArrayList<>();
    @Option(names = "--dry-run", description = "list and compare, report what would be copied, write nothing")
    boolean dryRun;
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8", description = "objects copied at once (default: ${DEFAULT-VALUE})")
    int concurrency;
    @Option(names = "--multipart-threshold", paramLabel = "SIZE", defaultValue = "8MiB", converter = ByteSize.class,
            description = "objects above this need multipart transfer (default: ${DEFAULT-VALUE})")
    long multipartThreshold;
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "data", description = "embedded job-state database directory (default: ${DEFAULT-VALUE})")
    String stateDir;
    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "2", description = "seconds between progress lines on stderr, 0 for none (default: ${DEFAULT-VALUE})")
    int progressSeconds;
    @Option(names = {"-v", "--verbose"}, description = "log one line per finished object")
    boolean verbose;
    @Option(names = "--debug", description = "debug logging and stack traces")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        Logging.level("org.apache.camel", debug ? "INFO" : "WARN");
        Logging.level("io.s3replicator", debug ? "DEBUG" : "WARN");
        Logging.level("io.s3replicator.objects", verbose || debug ? "INFO" : "WARN");
        ReplicationPair pair = pair();

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("s3replicator.transfer.concurrency", String.valueOf(concurrency));
        properties.put("s3replicator.transfer.multipart-threshold", String.valueOf(multipartThreshold));
        properties.put("s3replicator.state.dir", stateDir);
        Main main = ReplicatorMain.create(properties, null);
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            PairLoader.checkBuckets(pair, context.getRegistry().lookupByNameAndType("s3Clients", S3Clients.class));
            context.getRegistry().lookupByNameAndType("pairs", PairRegistry.class).register(pair);
            RunStats stats = context.getRegistry().lookupByNameAndType("runs", RunRegistry.class).start(pair.id(), null);

            var diff = context.createProducerTemplate().asyncRequestBodyAndHeaders(DiffRoute.ENDPOINT, null,
                    Map.of(PairDiffer.PAIR_ID, pair.id(), PairDiffer.RUN_ID, stats.runId()));
            while (!stats.awaitCompletion(progressSeconds > 0 ? progressSeconds : 60, TimeUnit.SECONDS)) {
                if (progressSeconds > 0) {
                    root.err.println(SyncReport.progress(stats));
                }
            }
            diff.get();
            SyncReport.summary(root.out, pair, stats);
            return stats.failed.sum() == 0 && stats.diffError() == null ? ExitCodes.OK : ExitCodes.FAILURES;
        } finally {
            main.stop();
        }
    }

    private ReplicationPair pair() {
        S3Location src = S3Uri.parse("source", source);
        S3Location dst = S3Uri.parse("destination", destination);
        src = src.withEndpoint(side(src.endpoint(), "source", sourceEndpoint, sourceRegion,
                pathStyle || sourcePathStyle, sourceProfile));
        dst = dst.withEndpoint(side(dst.endpoint(), "dest", destEndpoint, destRegion,
                pathStyle || destPathStyle, destProfile));
        if (concurrency < 1) {
            throw new ConfigException("--concurrency", concurrency + " must be at least 1");
        }
        return new ReplicationPair("sync", src, dst, KeyFilter.of(includes, excludes), dryRun);
    }

    private static EndpointSpec side(EndpointSpec spec, String flag, String endpoint, String region, boolean path,
                                     String profile) {
        if (endpoint != null) {
            spec = spec.withEndpoint(S3Uri.endpointUrl("--" + flag + "-endpoint", endpoint));
        }
        if (region != null) {
            spec = spec.withRegion(region);
        }
        if (path) {
            spec = spec.withPathStyle(true);
        }
        if (profile != null) {
            spec = spec.withProfile(profile);
        }
        return spec;
    }
}
