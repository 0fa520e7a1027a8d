package io.s3replicator.discover.inventory;

import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.InventoryReports;
import io.s3replicator.testing.PairTest;
import io.s3replicator.testing.RunningReplicator;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.s3replicator.testing.InventoryReports.rowOf;
import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/** A pair with an {@code inventory} location diffs each new report delivered there, once. */
class InventoryRouteTest extends PairTest {
    private static final Map<String, String> FAST_POLL = Map.of("s3replicator.inventory.poll-seconds", "0.2");

    @Test
    void each_new_report_is_diffed_once_and_older_reports_never() throws Exception {
        String a = Buckets.create(src, "invr-src");
        String b = Buckets.create(dst, "invr-dst");
        String reports = Buckets.create(src, "invr-reports");
        for (String key : List.of("old only", "k1", "k+2", "k3")) {
            Buckets.put(src, a, key, "body " + key);
        }
        InventoryReports.deliver(src, reports, "inventory/", a, "2026-11-27T00-00Z",
                List.of(List.<String[]>of(rowOf(src, a, "old only"))));
        InventoryReports.deliver(src, reports, "inventory/", a, "2026-11-28T00-00Z",
                List.of(List.of(rowOf(src, a, "k+2"), rowOf(src, a, "k1"))));
        // Read as the source is: no options on the location.
        String pairs = pair("inv", a, srcEndpoint, b, dstEndpoint, "inventory", "s3://" + reports + "/inventory/");

        replicator = RunningReplicator.start(state, pairs, FAST_POLL);
        RunningReplicator.await("the newest report's objects copied", Duration.ofSeconds(60),
                () -> Buckets.keys(dst, b).containsAll(List.of("k1", "k+2")));
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("k1", "k+2");

        // Restarted after a user deleted k1 at the destination: the report it came from was diffed already.
        dst.deleteObject(d -> d.bucket(b).key("k1"));
        replicator.close();
        replicator = RunningReplicator.start(state, pairs, FAST_POLL);
        long objects = Buckets.keys(src, reports).size();
        RunningReplicator.await("two passes over the reports", Duration.ofSeconds(60),
                () -> polled(replicator) >= 2 * objects);
        assertThat(Buckets.keys(dst, b)).containsExactly("k+2");

        InventoryReports.deliver(src, reports, "inventory/", a, "2026-11-29T00-00Z",
                List.of(List.of(rowOf(src, a, "k1"), rowOf(src, a, "k3"))));
        RunningReplicator.await("the next report's objects copied", Duration.ofSeconds(60),
                () -> Buckets.keys(dst, b).containsAll(List.of("k1", "k3")));
        assertThat(Buckets.keys(dst, b)).containsExactlyInAnyOrder("k1", "k+2", "k3");
    }

    /** Objects the pair's inventory consumer has handed to its route so far. */
    private static long polled(RunningReplicator replicator) {
        try {
            return replicator.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                    .getManagedRoute("inventory-inv").getExchangesCompleted();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
