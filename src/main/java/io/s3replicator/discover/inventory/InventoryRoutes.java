package io.s3replicator.discover.inventory;

import io.s3replicator.model.ConfigException;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.state.KeySequencers;
import io.s3replicator.store.BucketCheck;
import io.s3replicator.store.S3Clients;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Adds one {@link InventoryRoute} per pair with an {@code inventory} location, once the pairs
 * are loaded; a location whose bucket cannot be read stops start-up naming {@code pair.inventory}.
 */
public class InventoryRoutes implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(InventoryRoutes.class);

    private final PairRegistry pairs;
    private final S3Clients clients;
    private final KeySequencers sequencers;
    private final RunRegistry runs;
    private final long pollMillis;

    public InventoryRoutes(PairRegistry pairs, S3Clients clients, KeySequencers sequencers, RunRegistry runs,
                           long pollMillis) {
        this.pairs = pairs;
        this.clients = clients;
        this.sequencers = sequencers;
        this.runs = runs;
        this.pollMillis = pollMillis;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // routes added while the context is still starting would stay in the model unstarted
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        for (ReplicationPair pair : pairs.all()) {
            if (!pair.features().hasInventory() || context.getRoute(InventoryRoute.routeId(pair)) != null) {
                continue;
            }
            var location = pair.features().inventory();
            S3Client reports = clients.client("inventory", location.endpoint());
            try {
                BucketCheck.check("inventory", location, reports);
            } catch (ConfigException e) {
                throw new ConfigException(pair.id() + ".inventory", e.problem(), e);
            }
            String bean = "s3replicator-inventory-" + pair.id();
            context.getRegistry().bind(bean, reports);
            context.addRoutes(new InventoryRoute(pair, reports, bean, new ProcessedManifests(sequencers, pair.id()),
                    runs, pollMillis));
            LOG.info("pair {}: reading S3 Inventory reports from {}", pair.id(), location.uri());
        }
    }
}
