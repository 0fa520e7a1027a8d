package io.s3replicator.wiring;

import io.s3replicator.config.PairRegistry;
import io.s3replicator.decide.TransferRoute;
import io.s3replicator.observe.Observability;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.queue.SqsJobQueue;
import io.s3replicator.record.ObjectReports;
import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.store.S3Clients;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

import java.time.Duration;

/**
 * Observe: metrics, the runs and pairs the status page and health read, per-object reports; and
 * on configure, the gauges, readiness and status page over the other concerns' beans.
 */
public class ObserveConfiguration implements CamelConfiguration {

    @BindToRegistry(value = Beans.METRICS, lazy = true)
    public ReplicatorMetrics replicatorMetrics(CamelContext context) {
        return Observability.metrics(context);
    }

    @BindToRegistry(value = Beans.RUNS, lazy = true)
    public RunRegistry runs(CamelContext context) {
        return new RunRegistry(Beans.get(context, Beans.METRICS, ReplicatorMetrics.class));
    }

    @BindToRegistry(value = Beans.PAIRS, lazy = true)
    public PairRegistry pairs(CamelContext context) {
        PairRegistry pairs = new PairRegistry();
        ReplicatorMetrics metrics = Beans.get(context, Beans.METRICS, ReplicatorMetrics.class);
        // Each pair shows from start-up on (metrics, status page), with the jobs it has in flight here.
        pairs.onRegister(p -> {
            metrics.pairInfo(p.id(), p.source().uri(), p.destination().uri());
            metrics.pairInFlight(p.id(), () -> TransferRoute.inFlight(context, p.id()));
        });
        return pairs;
    }

    @BindToRegistry(value = Beans.REPORTS, lazy = true)
    public ObjectReports objectReports(CamelContext context) throws Exception {
        ObjectReports reports = new ObjectReports();
        Beans.closeOnStop(context, reports);
        return reports;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        ReplicatorMetrics metrics = Beans.get(context, Beans.METRICS, ReplicatorMetrics.class);
        StateBackend state = Beans.get(context, Beans.STATE, StateBackend.class);
        JobQueue queue = Beans.get(context, Beans.JOB_QUEUE, JobQueue.class);
        Observability.install(context, metrics, Beans.get(context, Beans.RUNS, RunRegistry.class),
                Beans.get(context, Beans.PAIRS, PairRegistry.class), Beans.get(context, Beans.S3_CLIENTS, S3Clients.class),
                state::ping, queue.producerUri());
        // Counting in-flight jobs by pair needs the in-flight repository to keep the exchanges, not only a count.
        context.getInflightRepository().setInflightBrowseEnabled(true);
        if (queue instanceof SqsJobQueue sqs) {
            // One GetQueueAttributes per 5 s at most, however often metrics or the status page are read.
            metrics.gauge(ReplicatorMetrics.DLQ_MESSAGES, "Messages in the jobs dead-letter queue",
                    Observability.cachedFor(Duration.ofSeconds(5), sqs::deadLetterCount));
        }
    }
}
