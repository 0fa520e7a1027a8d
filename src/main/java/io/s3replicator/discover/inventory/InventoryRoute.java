package io.s3replicator.discover.inventory;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.discover.DiffRoute;
import io.s3replicator.discover.PairDiffer;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;

import java.util.UUID;

/**
 * DISCOVER from S3 Inventory: Camel's S3 consumer watches where a pair's inventory reports are
 * delivered (objects stay; every poll lists the prefix), and each new {@code manifest.json}, the
 * newest of its inventory configuration, becomes one diff of the pair ({@link DiffRoute} with the
 * manifest in {@link ManifestRef#HEADER}). Reports diffed to the end are remembered in the state
 * store ({@link ProcessedManifests}); one whose diff failed is taken again on the next poll.
 */
public class InventoryRoute extends RouteBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryRoute.class);

    private final ReplicationPair pair;
    private final S3Client reports;
    private final String clientBean;
    private final ProcessedManifests processed;
    private final RunRegistry runs;
    private final long pollMillis;

    /** @param clientBean registry name of {@code reports}, the client the consumer lists with */
    public InventoryRoute(ReplicationPair pair, S3Client reports, String clientBean, ProcessedManifests processed,
                          RunRegistry runs, long pollMillis) {
        this.pair = pair;
        this.reports = reports;
        this.clientBean = clientBean;
        this.processed = processed;
        this.runs = runs;
        this.pollMillis = pollMillis;
    }

    public static String routeId(ReplicationPair pair) {
        return "inventory-" + pair.id();
    }

    @Override
    public void configure() {
        var location = pair.features().inventory();
        from("aws2-s3://" + location.bucket() + "?amazonS3Client=#" + clientBean
                + "&autowiredEnabled=false&autoCreateBucket=false&deleteAfterRead=false&ignoreBody=true"
                + "&delay=" + pollMillis + (location.prefix().isEmpty() ? "" : "&prefix=RAW(" + location.prefix() + ")"))
            .routeId(routeId(pair))
            .filter(this::isNewReport)
                .setHeader("S3ReplicatorManifestId", method(this, "manifestId"))
                .idempotentConsumer(header("S3ReplicatorManifestId"), processed).eager(true)
                    .process(this::prepare)
                    .to(DiffRoute.ENDPOINT)
                    .process(this::checkFinished)
                .end()
            .end();
    }

    /** A manifest.json in S3's layout, the newest report of its configuration. */
    public boolean isNewReport(Exchange exchange) {
        String key = exchange.getIn().getHeader(AWS2S3Constants.KEY, String.class);
        if (key == null || !key.endsWith("/" + ManifestRef.MANIFEST)) {
            return false;
        }
        ProcessedManifests.Report report = ProcessedManifests.report(key);
        if (report == null) {
            LOG.warn("pair {}: {} is not where S3 delivers inventory reports (CONFIG/YYYY-MM-DDTHH-MMZ/manifest.json);"
                    + " skipped", pair.id(), key);
            return false;
        }
        return report.time() >= newestTime(report.config());
    }

    /** The time of the newest report folder of one configuration (one delimited listing). */
    private long newestTime(String config) {
        long newest = 0;
        for (CommonPrefix p : reports.listObjectsV2Paginator(b -> b.bucket(pair.features().inventory().bucket())
                .prefix(config).delimiter("/")).commonPrefixes()) {
            ProcessedManifests.Report r = ProcessedManifests.report(p.prefix() + ManifestRef.MANIFEST);
            if (r != null) {
                newest = Math.max(newest, r.time());
            }
        }
        return newest;
    }

    public String manifestId(Exchange exchange) {
        return ProcessedManifests.id(exchange.getIn().getHeader(AWS2S3Constants.KEY, String.class));
    }

    private void prepare(Exchange exchange) {
        String key = exchange.getIn().getHeader(AWS2S3Constants.KEY, String.class);
        var location = pair.features().inventory();
        exchange.getIn().setBody(null);
        exchange.getIn().setHeader(ManifestRef.HEADER, new ManifestRef(location.bucket(), key, location.endpoint()));
        exchange.getIn().setHeader(PairDiffer.PAIR_ID, pair.id());
        exchange.getIn().setHeader(PairDiffer.RUN_ID, UUID.randomUUID().toString());
    }

    /** A diff that failed, or did not run (another replica diffs the pair), leaves the report to the next poll. */
    private void checkFinished(Exchange exchange) {
        RunStats run = runs.get(exchange.getIn().getHeader(PairDiffer.RUN_ID, String.class));
        if (run == null) {
            return;
        }
        if (run.diffError() != null) {
            throw new InventoryException("pair " + pair.id() + ": inventory report not diffed: " + run.diffError());
        }
        if (run.isLeaseHeldElsewhere()) {
            throw new InventoryException("pair " + pair.id() + ": a diff of the pair is running: the report waits");
        }
    }
}
