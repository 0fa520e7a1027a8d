package io.s3replicator.wiring;

import io.s3replicator.config.ReplicatorSettings;
import io.s3replicator.store.S3Clients;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/**
 * Storage: the transfer settings and the S3 clients every stage talks to the stores through.
 * Beans are lazy: each is built once, when first looked up (Camel Main calls an eager
 * {@code @BindToRegistry} method more than once).
 */
public class StoreConfiguration implements CamelConfiguration {
    @PropertyInject(value = "s3replicator.queue.uri", defaultValue = "seda:jobs?size=1000&blockWhenFull=true")
    private String queueUri;
    @PropertyInject(value = "s3replicator.transfer.concurrency", defaultValue = "8")
    private int concurrency;
    @PropertyInject(value = "s3replicator.transfer.multipart-threshold", defaultValue = "8388608")
    private long multipartThreshold;
    @PropertyInject(value = "s3replicator.transfer.copy-threshold", defaultValue = "1073741824")
    private long copyThreshold;
    @PropertyInject(value = "s3replicator.transfer.part-size", defaultValue = "8388608")
    private long partSize;
    @PropertyInject(value = "s3replicator.transfer.parts-in-flight", defaultValue = "8")
    private int partsInFlight;
    @PropertyInject(value = "s3replicator.discover.list-page-size", defaultValue = "1000")
    private int listPageSize;

    @BindToRegistry(value = Beans.SETTINGS, lazy = true)
    public ReplicatorSettings settings() {
        return new ReplicatorSettings(queueUri, concurrency, multipartThreshold, copyThreshold, partSize,
                partsInFlight, listPageSize);
    }

    /** One HTTP pool per endpoint, sized for the objects and parts in flight at once. */
    @BindToRegistry(value = Beans.S3_CLIENTS, lazy = true)
    public S3Clients s3Clients(CamelContext context) throws Exception {
        ReplicatorSettings settings = Beans.get(context, Beans.SETTINGS, ReplicatorSettings.class);
        S3Clients clients = new S3Clients(settings.concurrency() * 2 + settings.partsInFlight() * 2 + 8);
        context.addService(clients);
        return clients;
    }
}
