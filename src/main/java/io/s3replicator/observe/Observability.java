package io.s3replicator.observe;

import io.s3replicator.record.ReplicatorMetrics;

import io.s3replicator.record.RunRegistry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.S3Location;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.health.HealthCheckRegistry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Installs the operating surface into a Camel context: the shared Prometheus meter registry
 * (Camel's route meters and ours in one scrape), queue and in-flight gauges, and the
 * readiness check. Camel Main serves them on its management server (camel.management.*).
 */
public final class Observability {
    /** Route id of the transfer route, whose in-flight exchanges are the jobs being transferred. */
    private static final String TRANSFER_ROUTE = io.s3replicator.decide.TransferRoute.ROUTE_ID;

    private Observability() {
    }

    /**
     * The registry camel-micrometer-prometheus serves: reuse one Camel bound already, else
     * bind ours under the name Camel looks up, so both sides share one.
     */
    /**
     * Threads of a pool busy right now (for gauges such as parts in flight). Camel's pools are
     * ThreadPoolExecutors; anything else cannot tell and is rejected rather than reported as 0.
     */
    public static int activeThreads(java.util.concurrent.ExecutorService pool) {
        if (pool instanceof java.util.concurrent.ThreadPoolExecutor executor) {
            return executor.getActiveCount();
        }
        throw new IllegalArgumentException("cannot count active threads of " + pool.getClass().getName());
    }

    public static ReplicatorMetrics metrics(CamelContext context) {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        return new ReplicatorMetrics(registry);
    }

    public static void install(CamelContext context, ReplicatorMetrics metrics, RunRegistry runs, PairRegistry pairs,
                               S3Clients clients, ReadinessCheck.Probe stateStore, String queueUri) throws Exception {
        metrics.gauge(ReplicatorMetrics.JOBS_QUEUED, "Jobs waiting in the embedded queue (SQS: see its CloudWatch metrics)",
                () -> queueDepth(context, queueUri));
        metrics.gauge(ReplicatorMetrics.JOBS_IN_FLIGHT, "Jobs being transferred now",
                () -> context.getInflightRepository().size(TRANSFER_ROUTE));
        metrics.gauge("s3replicator.diff.runs.active", "Diff runs not yet complete", runs::active);
        metrics.gauge("s3replicator.jobs.pending", "Jobs emitted by diffs and not yet finished", runs::pending);
        StatusPage.install(context);

        ReadinessCheck readiness = new ReadinessCheck(() -> probes(pairs, clients, stateStore));
        readiness.setCamelContext(context);
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext ctx, boolean alreadyStarted) throws Exception {
                HealthCheckRegistry health = HealthCheckRegistry.get(ctx);
                if (health != null) {
                    health.register(readiness);
                }
            }

            @Override
            public void onCamelContextStarted(CamelContext ctx, boolean alreadyStarted) {
                // registered while starting
            }
        });
    }

    /**
     * A value read at most once per {@code period}: for gauges that cost a request (the DLQ depth).
     * A failed read shows as NaN, never as 0, until a read succeeds.
     */
    public static java.util.function.Supplier<Number> cachedFor(java.time.Duration period,
                                                                java.util.function.LongSupplier read) {
        long[] at = {Long.MIN_VALUE};
        Number[] value = {Double.NaN};
        return () -> {
            synchronized (at) {
                long now = System.nanoTime();
                if (at[0] == Long.MIN_VALUE || now - at[0] >= period.toNanos()) {
                    at[0] = now;
                    try {
                        value[0] = read.getAsLong();
                    } catch (RuntimeException e) {
                        value[0] = Double.NaN;
                    }
                }
                return value[0];
            }
        };
    }

    private static Number queueDepth(CamelContext context, String queueUri) {
        Endpoint endpoint = context.hasEndpoint(queueUri);
        return endpoint instanceof SedaEndpoint seda ? seda.getCurrentQueueSize() : Double.NaN;
    }

    static Map<String, ReadinessCheck.Probe> probes(PairRegistry pairs, S3Clients clients,
                                                    ReadinessCheck.Probe stateStore) {
        Map<String, ReadinessCheck.Probe> probes = new LinkedHashMap<>();
        probes.put("state-store", stateStore);
        for (ReplicationPair pair : pairs.all()) {
            probes.putIfAbsent(pair.id() + ".source", () -> head("source", pair.source(), clients));
            probes.putIfAbsent(pair.id() + ".destination", () -> head("destination", pair.destination(), clients));
        }
        return probes;
    }

    private static void head(String side, S3Location location, S3Clients clients) {
        clients.client(side, location.endpoint()).headBucket(b -> b.bucket(location.bucket()));
    }
}
