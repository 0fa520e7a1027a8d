package io.s3replicator.discover;

import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.decide.EventDecider;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.WriterIdentity;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.s3replicator.model.ConfigException;
import io.s3replicator.store.S3Errors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

import java.util.function.Supplier;

/**
 * Adds one {@link EventRoute} per pair that names an {@code events} queue, once the pairs are
 * loaded (pairs arrive as templated routes, validated while the context starts).
 */
public class EventRoutes implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventRoutes.class);
    /** SQS's own default, for a queue that does not say. */
    private static final int DEFAULT_VISIBILITY_SECONDS = 30;

    private final PairRegistry pairs;
    private final S3Clients clients;
    private final EventDecider decider;
    private final String queueUri;
    private final Supplier<SqsClient> sqs;
    private final String clientBean;
    private final EventRoute.Polling polling;

    /** @param sqs the SQS client bound as {@code clientBean}, created on first use (only pairs with events need it) */
    public EventRoutes(PairRegistry pairs, S3Clients clients, EventDecider decider, String queueUri,
                       Supplier<SqsClient> sqs, String clientBean, EventRoute.Polling polling) {
        this.pairs = pairs;
        this.clients = clients;
        this.decider = decider;
        this.queueUri = queueUri;
        this.sqs = sqs;
        this.clientBean = clientBean;
        this.polling = polling;
    }

    /**
     * A queue that does not exist (or cannot be read) stops start-up with one line naming the parameter.
     *
     * @return the queue's visibility timeout in seconds
     */
    static int check(SqsClient sqs, String field, String queue) {
        try {
            String url = queue.startsWith("http://") || queue.startsWith("https://") ? queue
                    : sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            String visibility = sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN,
                    QueueAttributeName.VISIBILITY_TIMEOUT)).attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
            return visibility == null ? DEFAULT_VISIBILITY_SECONDS : Math.max(1, Integer.parseInt(visibility));
        } catch (QueueDoesNotExistException e) {
            throw new ConfigException(field, "SQS queue '" + queue + "' does not exist");
        } catch (SdkException e) {
            throw new ConfigException(field, "cannot read SQS queue '" + queue + "': " + S3Errors.describe(e));
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // routes added while the context is still starting would stay in the model unstarted
    }

    /** Once the context runs, routes added to it start at once. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        for (ReplicationPair pair : pairs.all()) {
            if (!pair.features().hasEvents() || context.getRoute(EventRoute.routeId(pair)) != null) {
                continue;
            }
            // Loop guard layer 1 needs to know who the replicator writes to this source as; only two-way pairs use it.
            WriterIdentity identity = pair.features().twoWay() ? clients.identity("source", pair.source().endpoint()) : null;
            SqsClient client = sqs.get();
            int visibility = check(client, pair.id() + ".events", pair.features().events());
            if (pair.features().eventsDlq() != null) {
                check(client, pair.id() + ".eventsDlq", pair.features().eventsDlq());
            }
            context.addRoutes(new EventRoute(pair, identity, decider, queueUri, client, clientBean,
                    polling.withVisibility(visibility)));
            LOG.info("pair {}: reading S3 events from {}{}", pair.id(), pair.features().events(),
                    identity == null ? "" : " (dropping events caused by " + identity.principalId() + ")");
        }
    }
}
