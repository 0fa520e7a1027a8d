package io.s3replicator.wiring;

import io.s3replicator.config.ReplicatorSettings;
import io.s3replicator.queue.EmbeddedJobQueue;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.queue.JobQueues;
import io.s3replicator.state.backend.StateBackend;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

import java.time.Duration;

/**
 * Queue: the in-memory {@code seda:} queue or SQS ({@code s3replicator.queue.kind}), and how long
 * the marks of queued and finished jobs last in the state store.
 */
public class QueueConfiguration implements CamelConfiguration {
    @PropertyInject(value = "s3replicator.state.queued-ttl", defaultValue = "0")
    private long queuedTtlSeconds;
    @PropertyInject(value = "s3replicator.state.done-window", defaultValue = "600")
    private long doneWindowSeconds;

    @BindToRegistry(value = Beans.JOB_QUEUE, lazy = true)
    public JobQueue jobQueue(CamelContext context) {
        ReplicatorSettings settings = Beans.get(context, Beans.SETTINGS, ReplicatorSettings.class);
        JobQueue queue = JobQueues.create(context, settings.queueUri(), settings.concurrency());
        StateBackend state = Beans.get(context, Beans.STATE, StateBackend.class);
        state.inFlight().windows(markTtl(queue), Duration.ofSeconds(doneWindowSeconds));
        if (queue instanceof EmbeddedJobQueue embedded) {
            // No DLQ in memory: jobs that failed for good are kept in the state store.
            embedded.keepDeadJobsIn(state.deadLetters());
        }
        return queue;
    }

    /**
     * A queued mark lives as long as its message can (the job queue's retention), unless set:
     * a backfill slower than the mark must not queue everything a second time.
     */
    @BindToRegistry(value = Beans.QUEUED_MARK_TTL, lazy = true)
    public Duration queuedMarkTtl(CamelContext context) {
        return markTtl(Beans.get(context, Beans.JOB_QUEUE, JobQueue.class));
    }

    private Duration markTtl(JobQueue queue) {
        if (queuedTtlSeconds > 0) {
            return Duration.ofSeconds(queuedTtlSeconds);
        }
        return queue.messageLifetime() != null ? queue.messageLifetime() : Duration.ofHours(6);
    }
}
