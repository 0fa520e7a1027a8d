package io.s3replicator.queue;

import io.s3replicator.model.ConfigException;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import static io.s3replicator.config.SettingValues.bool;
import static io.s3replicator.config.SettingValues.get;
import static io.s3replicator.config.SettingValues.integer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the job queue from configuration ({@code s3replicator.queue.kind}): the same jar and
 * routes run on one machine ({@code embedded}, seda) or as N workers on one SQS queue ({@code sqs}).
 */
public final class JobQueues {
    private static final Logger LOG = LoggerFactory.getLogger(JobQueues.class);

    private JobQueues() {
    }

    public static JobQueue create(CamelContext context, String embeddedUri, int concurrency) {
        PropertiesComponent p = context.getPropertiesComponent();
        String kind = get(p, "s3replicator.queue.kind", "embedded");
        switch (kind) {
            case "embedded":
                return new EmbeddedJobQueue(embeddedUri);
            case "sqs":
                SqsQueues queues = new SqsQueues(sqsSettings(p), concurrency * 2 + 16);
                context.getRegistry().bind(SqsJobQueue.CLIENT_BEAN, queues.client());
                if (!queues.hasRedrivePolicy()) {
                    LOG.warn("SQS queue {} has no redrive policy: a job whose worker keeps crashing would come back "
                            + "forever (failures are still moved to the DLQ after {} receives)",
                            SqsQueues.nameOf(queues.queueUrl()), queues.maxReceives());
                }
                LOG.info("job queue: SQS {} (DLQ {}, {} receives, visibility {} s)", queues.queueUrl(),
                        queues.deadLetterUrl(), queues.maxReceives(), queues.settings().visibilitySeconds());
                return new SqsJobQueue(queues);
            default:
                throw new ConfigException("s3replicator.queue.kind", "'" + kind + "' is not one of embedded, sqs");
        }
    }

    /** The {@code s3replicator.sqs.*} properties; also used by the {@code dlq} command. */
    public static SqsSettings sqsSettings(PropertiesComponent p) {
        return new SqsSettings(
                get(p, "s3replicator.sqs.queue", "s3replicator-jobs"),
                get(p, "s3replicator.sqs.dlq", "s3replicator-jobs-dlq"),
                get(p, "s3replicator.sqs.endpoint", ""),
                get(p, "s3replicator.sqs.region", ""),
                bool(p, "s3replicator.sqs.create-queues"),
                integer(p, "s3replicator.sqs.max-receives", 5),
                integer(p, "s3replicator.sqs.visibility-timeout", 300),
                integer(p, "s3replicator.sqs.wait-seconds", 20),
                integer(p, "s3replicator.sqs.retry-delay", 10));
    }
}
