package io.s3replicator.cli;

import io.s3replicator.decide.TransferRoute;
import io.s3replicator.model.ConfigException;
import io.s3replicator.config.PairFeatures;
import io.s3replicator.wiring.PairLoader;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.discover.DiffRoute;
import io.s3replicator.discover.inventory.InventoryException;
import io.s3replicator.discover.inventory.ManifestRef;
import io.s3replicator.store.S3Location;
import io.s3replicator.discover.PairDiffer;
import io.s3replicator.record.FailedKeys;
import io.s3replicator.record.ObjectReport;
import io.s3replicator.record.ObjectReports;
import io.s3replicator.config.ReportFormat;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.store.ClientWarmUp;
import io.s3replicator.store.S3Clients;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

@Command(name = "sync", sortOptions = false,
        description = {"Copy what is missing or changed from SOURCE to DESTINATION once.",
            "Lists both sides, copies the differences, prints progress on stderr and a summary on stdout."
                + " With --delete, also deletes destination objects whose source is gone.",
            "Exit 0 when everything is in step, 1 when any object failed, 2 on bad input (nothing done)."},
        footer = {
            "  # Copy a prefix to another account, with the AWS profile 'backup' there:",
            "  s3-replicator sync s3://src/logs s3://dst/logs --dest-profile backup",
            "  # List and compare only; say what would be copied:",
            "  s3-replicator sync s3://src s3://dst --dry-run",
            "  # Mirror: also delete the copies it made whose source is gone:",
            "  s3-replicator sync s3://src s3://dst --delete",
            "  # What a full mirror (like rclone sync) would delete, deleting nothing:",
            "  s3-replicator sync s3://src s3://dst --delete --delete-unowned --dry-run",
            "  # The summary as one JSON object, for a script:",
            "  s3-replicator sync s3://src s3://dst --json > summary.json",
            "  # A line per object acted on, then retry only the objects that failed:",
            "  s3-replicator sync s3://src s3://dst --report run1.csv",
            "  s3-replicator sync s3://src s3://dst --from-report run1.csv --report run2.csv",
            "  # From Alibaba Cloud OSS, keys in OSS_ACCESS_KEY_ID, OSS_SECRET_ACCESS_KEY:",
            "  s3-replicator sync s3://src s3://dst --source-provider oss \\",
            "      --source-region cn-hangzhou --source-credentials env:OSS",
            "  # To MinIO, only the .csv files:",
            "  s3-replicator sync s3://src s3://dst --dest-provider minio \\",
            "      --dest-endpoint http://minio:9000 --include '*.csv'"})
public class SyncCommand implements java.util.concurrent.Callable<Integer> {
    @ParentCommand
    RootCommand root;
    @Spec
    CommandSpec spec;

    @Mixin
    PairOptions pairOptions;

    @Option(names = "--dry-run", description = "list and compare, report what would be copied (and deleted), write nothing")
    boolean dryRun;
    @Option(names = "--delete", description = "delete destination objects whose source is gone: only those this pair"
            + " (same source and destination) wrote at that key, unless --delete-unowned; excluded keys never")
    boolean delete;
    @Option(names = "--delete-unowned", description = "with --delete, also delete the destination objects it did not"
            + " write: every object under the destination prefix without a source (rclone sync)")
    boolean deleteUnowned;
    @Option(names = "--inventory", paramLabel = "MANIFEST_URI", description = "read the source's objects from this"
            + " S3 Inventory report (s3://bucket/.../manifest.json[?options], CSV) instead of listing the source;"
            + " read with the source's endpoint and credentials unless options are given")
    String inventory;
    @Option(names = "--listing-threads", paramLabel = "N", defaultValue = "1", description = "list both sides N ways"
            + " at once, the key space split by folders (default: ${DEFAULT-VALUE})")
    int listingThreads;
    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "8", description = "objects copied at once (default: ${DEFAULT-VALUE})")
    int concurrency;
    @Option(names = "--multipart-threshold", paramLabel = "SIZE", defaultValue = "8MiB", converter = ByteSize.class,
            description = "relayed objects above this are sent as multipart uploads (default: ${DEFAULT-VALUE})")
    long multipartThreshold;
    @Option(names = "--copy-threshold", paramLabel = "SIZE", defaultValue = "1GiB", converter = ByteSize.class,
            description = "server-side copies of objects above this use multipart copy; up to it one CopyObject"
                    + " (default: ${DEFAULT-VALUE})")
    long copyThreshold;
    @Option(names = "--part-size", paramLabel = "SIZE", defaultValue = "8MiB", converter = ByteSize.class,
            description = "preferred multipart part size, 5MiB..5GiB; grown for huge objects, the source's own when it is multipart (default: ${DEFAULT-VALUE})")
    long partSize;
    @Option(names = "--parts-in-flight", paramLabel = "N", defaultValue = "8",
            description = "multipart parts moved at once across all objects; memory is at most N x part size (default: ${DEFAULT-VALUE})")
    int partsInFlight;
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "data", description = "embedded job-state database directory (default: ${DEFAULT-VALUE})")
    String stateDir;
    @Option(names = "--management-port", paramLabel = "PORT",
            description = "serve metrics, health and Jolokia on this port while the sync runs (default: off)")
    Integer managementPort;
    @Option(names = "--progress", paramLabel = "SECONDS", defaultValue = "2", description = "seconds between progress"
            + " lines on stderr, 0 for none; on a terminal one live line instead (default: ${DEFAULT-VALUE})")
    int progressSeconds;
    @Option(names = "--json", description = "print the summary as one JSON object on stdout")
    boolean json;
    @Option(names = "--report", paramLabel = "FILE", description = "write one line per object acted on to FILE:"
            + " key, size, outcome, reason, path, ETags, duration (CSV for .csv, JSON lines for .jsonl)")
    Path report;
    @Option(names = "--report-format", paramLabel = "FORMAT", description = "csv or jsonl, whatever the"
            + " --report file is called (default: by its extension)")
    String reportFormat;
    @Option(names = "--from-report", paramLabel = "FILE", description = "retry exactly the objects a --report"
            + " FILE of an earlier sync lists as failed, instead of listing both buckets")
    Path fromReport;
    @Option(names = {"-v", "--verbose"}, description = "log one line per finished object")
    boolean verbose;
    @Option(names = "--debug", description = "debug logging and stack traces")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        ClientWarmUp.startInBackground();
        Logging.level("org.apache.camel", debug ? "INFO" : "WARN");
        Logging.level("io.s3replicator", debug ? "DEBUG" : "WARN");
        Logging.level("io.s3replicator.objects", verbose || debug ? "INFO" : "WARN");
        ReplicationPair pair = pair();
        List<String> retry = fromReport == null ? null : failedKeys(pair);
        ReportFormat format = report == null ? null : ReportFormat.of("--report", report, reportFormat);
        ManifestRef manifest = manifest(pair);

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("s3replicator.transfer.concurrency", String.valueOf(concurrency));
        properties.put("s3replicator.transfer.multipart-threshold", String.valueOf(multipartThreshold));
        properties.put("s3replicator.transfer.copy-threshold", String.valueOf(copyThreshold));
        properties.put("s3replicator.transfer.part-size", String.valueOf(partSize));
        properties.put("s3replicator.transfer.parts-in-flight", String.valueOf(partsInFlight));
        properties.put("s3replicator.state.dir", stateDir);
        properties.put("s3replicator.discover.listing-threads", String.valueOf(listingThreads));
        // A one-shot command binds no port unless asked: two syncs on one machine must not collide.
        properties.put("camel.management.enabled", String.valueOf(managementPort != null));
        properties.put("camel.metrics.enabled", String.valueOf(managementPort != null));
        // JMX MBeans (one per route, processor and endpoint) cost start-up time; Jolokia needs them.
        properties.put("camel.main.jmx-enabled", String.valueOf(managementPort != null));
        if (managementPort != null) {
            properties.put("camel.management.port", String.valueOf(managementPort));
        }
        Main main = ReplicatorMain.create(properties, null);
        try {
            main.start();
            CamelContext context = main.getCamelContext();
            PairLoader.checkBuckets(pair, context.getRegistry().lookupByNameAndType("s3Clients", S3Clients.class));
            context.getRegistry().lookupByNameAndType("pairs", PairRegistry.class).register(pair);
            ObjectReport reportFile = null;
            if (report != null) {
                reportFile = new ObjectReport("--report", pair, report, format, false);
                context.getRegistry().lookupByNameAndType("objectReports", ObjectReports.class).open(pair.id(), reportFile);
            }
            RunStats stats = context.getRegistry().lookupByNameAndType("runs", RunRegistry.class).start(pair.id(), null);

            Map<String, Object> headers = new HashMap<>(Map.of(PairDiffer.PAIR_ID, pair.id(), PairDiffer.RUN_ID,
                    stats.runId()));
            if (manifest != null) {
                headers.put(ManifestRef.HEADER, manifest);
            }
            if (retry != null) {
                headers.put(PairDiffer.ONLY_KEYS, retry);
            }
            var diff = context.createProducerTemplate().asyncRequestBodyAndHeaders(DiffRoute.ENDPOINT, null, headers);
            SyncProgress progress = new SyncProgress(root.err, progressSeconds > 0 && SyncProgress.onTerminal());
            // A live line is redrawn twice a second; periodic lines come every --progress seconds.
            long waitMillis = progressSeconds <= 0 ? 60_000
                    : progress.terminal() ? Math.min(500, progressSeconds * 1000L) : progressSeconds * 1000L;
            while (!stats.awaitCompletion(waitMillis, TimeUnit.MILLISECONDS)) {
                if (progressSeconds > 0) {
                    progress.update(stats);
                }
            }
            diff.get();
            TransferRoute.awaitIdle(context, Duration.ofSeconds(30));
            progress.finish(stats);
            int exit = SyncReport.ok(stats) ? ExitCodes.OK : ExitCodes.FAILURES;
            if (reportFile != null) {
                reportFile.close();
                if (reportFile.error() != null) {
                    // The copies happened; the audit trail of them did not: say so and do not report success.
                    root.err.println("s3-replicator: --report: " + report + " is incomplete: "
                            + reportFile.error().getMessage());
                    exit = ExitCodes.FAILURES;
                }
            }
            if (json) {
                root.out.println(SyncReport.json(pair, stats, exit));
            } else {
                SyncReport.summary(root.out, pair, stats);
            }
            return exit;
        } finally {
            main.stop();
        }
    }

    /** The failed keys of an earlier report, relative to the source prefix; they must be of this source. */
    private List<String> failedKeys(ReplicationPair pair) {
        FailedKeys failed = FailedKeys.read("--from-report", fromReport);
        if (failed.bucket() != null && !failed.bucket().equals(pair.source().bucket())) {
            throw new ConfigException("--from-report", fromReport + " lists objects of bucket '" + failed.bucket()
                    + "', not of the source bucket '" + pair.source().bucket() + "'");
        }
        List<String> outside = failed.keys().stream().filter(k -> !pair.inSourcePrefix(k)).toList();
        if (!outside.isEmpty()) {
            throw new ConfigException("--from-report", fromReport + " lists " + outside.size() + " failed keys outside"
                    + " the source prefix '" + pair.source().prefix() + "', such as '" + outside.get(0) + "'");
        }
        return failed.keys().stream().map(pair::relativeKey).toList();
    }

    /** The --inventory manifest, or null; a bad URI is bad input (exit 2). */
    private ManifestRef manifest(ReplicationPair pair) {
        if (inventory == null) {
            return null;
        }
        S3Location at = PairLoader.inventory("--inventory", inventory, pair.source());
        String key = at.prefix().endsWith("/") ? at.prefix().substring(0, at.prefix().length() - 1) : at.prefix();
        try {
            return new ManifestRef(at.bucket(), key, at.endpoint());
        } catch (InventoryException e) {
            throw new ConfigException("--inventory", e.getMessage());
        }
    }

    private ReplicationPair pair() {
        if (deleteUnowned && !delete) {
            throw new ParameterException(spec.commandLine(), "--delete-unowned deletes nothing without --delete");
        }
        ReplicationPair pair = pairOptions.pair("sync", dryRun, PairFeatures.syncDeletes(delete, deleteUnowned));
        if (concurrency < 1) {
            throw new ConfigException("--concurrency", concurrency + " must be at least 1");
        }
        return pair;
    }
}
