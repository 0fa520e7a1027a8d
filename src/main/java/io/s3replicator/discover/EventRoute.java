package io.s3replicator.discover;

import io.s3replicator.model.S3Event;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.decide.EventDecider;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.model.PoisonMessageException;
import io.s3replicator.queue.SqsJobQueue;
import io.s3replicator.queue.SqsQueues;
import io.s3replicator.store.S3Errors;
import io.s3replicator.store.WriterIdentity;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * DISCOVER from S3 events: one route per pair with an {@code events} queue. It long-polls the
 * queue (camel-aws2-sqs, small batches), reads each message in any of its envelopes
 * ({@link S3EventParser}), decides which records become jobs ({@link EventDecider}) and sends
 * them to the job queue. The message is deleted from the events queue only once its jobs are
 * durable: sent, when the job queue is SQS; ended, when it is the in-memory queue of one machine.
 * A failure leaves it for redelivery.
 *
 * <p>A message that is not an S3 event (poison) is moved to the pair's {@code eventsDlq} with
 * the reason as a message attribute, or, without one, left on the queue for its own redrive
 * policy to move after its maxReceiveCount.
 */
public class EventRoute extends RouteBuilder {
    /** camel-aws2-sqs deletes the message on completion when this exchange property is true. */
    static final String DELETE = "CamelAwsSqsDeleteFiltered";
    private static final String JOBS = "S3ReplicatorEventJobs";
    /** Set by any job of the message that asks for another attempt: the message is then kept. */
    private static final String RETRY = "S3ReplicatorEventRetry";
    private static final Logger LOG = LoggerFactory.getLogger(EventRoute.class);

    /**
     * How the route reads its queue.
     *
     * @param waitForJobs       the job queue is in memory (embedded): keep each event message, its
     *                          visibility extended, until every job it asked for has ended, so a
     *                          crash leaves it for redelivery; a durable job queue (SQS) only needs
     *                          the jobs sent
     * @param threads           with waitForJobs, messages in hand at once (their jobs wait in the job queue)
     * @param visibilitySeconds with waitForJobs, the events queue's own visibility timeout: a message in
     *                          hand is extended by it again and again while its jobs run, and comes
     *                          back at most that long after a crash
     */
    public record Polling(int waitSeconds, int batch, int consumers, boolean waitForJobs, int threads,
                          int visibilitySeconds) {
        public Polling(int waitSeconds, int batch, int consumers, boolean waitForJobs, int threads) {
            this(waitSeconds, batch, consumers, waitForJobs, threads, 0);
        }

        Polling withVisibility(int seconds) {
            return new Polling(waitSeconds, batch, consumers, waitForJobs, threads, seconds);
        }
    }

    private final ReplicationPair pair;
    private final WriterIdentity identity;
    private final EventDecider decider;
    private final String queueUri;
    private final SqsClient sqs;
    private final String clientBean;
    private final Polling polling;
    /** The events DLQ's URL, looked up on the first poison message. */
    private volatile String dlqUrl;

    /**
     * @param identity   who the replicator writes to the pair's source as (loop guard layer 1), or null
     * @param queueUri   the job queue endpoint
     * @param sqs        the client bound as {@code clientBean} (used for the DLQ)
     */
    public EventRoute(ReplicationPair pair, WriterIdentity identity, EventDecider decider, String queueUri,
                      SqsClient sqs, String clientBean, Polling polling) {
        this.pair = pair;
        this.identity = identity;
        this.decider = decider;
        this.queueUri = queueUri;
        this.sqs = sqs;
        this.clientBean = clientBean;
        this.polling = polling;
    }

    public static String routeId(ReplicationPair pair) {
        return "events-" + pair.id();
    }

    /** The aws2-sqs consumer endpoint of a queue given by name or URL. */
    static String consumerUri(String queue, String clientBean, Polling polling) {
        boolean url = queue.startsWith("http://") || queue.startsWith("https://");
        String name = url ? SqsQueues.nameOf(queue) : queue;
        return "aws2-sqs://" + name + "?amazonSQSClient=#" + clientBean
                + (url ? "&queueUrl=RAW(" + queue + ")" : "")
                + "&autoCreateQueue=false"
                // Deleted only when the route says so (all jobs enqueued, or poison moved to the DLQ).
                + "&deleteAfterRead=false&deleteIfFiltered=true"
                + "&waitTimeSeconds=" + polling.waitSeconds()
                + "&maxMessagesPerPoll=" + polling.batch()
                + "&concurrentConsumers=" + polling.consumers()
                + "&messageAttributeNames=All"
                + "&greedy=true&delay=0"
                + (polling.waitForJobs()
                    ? "&extendMessageVisibility=true&visibilityTimeout=" + polling.visibilitySeconds() : "");
    }

    @Override
    public void configure() {
        RouteDefinition route = from(consumerUri(pair.features().events(), clientBean, polling)).routeId(routeId(pair));
        route.onException(PoisonMessageException.class).handled(true).process(this::poison).end();
        // Anything else (the job queue or the state store unreachable): one line, and the
        // message stays on the events queue for redelivery.
        route.onException(Exception.class).handled(true).process(this::leaveForRedelivery).end();
        if (!polling.waitForJobs()) {
            // A durable job queue (SQS): the message is done once its jobs are sent.
            route.process(this::decide)
                .split(exchangeProperty(JOBS)).stopOnException()
                    .to(ExchangePattern.InOnly, queueUri)
                .end()
                .setProperty(DELETE, constant(true));
            return;
        }
        // An in-memory job queue: the message is deleted only once each of its jobs has ended, and
        // kept (visible again after its visibility runs out) when one failed for a reason another
        // attempt may cure. The pool lets the consumer go on polling while jobs run.
        route.threads(polling.threads(), polling.threads())
            .process(this::decide)
            .process(e -> e.setProperty(RETRY, new AtomicBoolean()))
            .split(exchangeProperty(JOBS)).stopOnException()
                // Waits for the job's outcome however long the copy takes (timeout=0).
                .to(ExchangePattern.InOut, waitingUri(queueUri))
                .filter(header(JobQueue.RETRY_LATER).isEqualTo(true))
                    .process(e -> e.getProperty(RETRY, AtomicBoolean.class).set(true))
                .end()
            .end()
            .choice()
                .when(e -> !e.getProperty(RETRY, AtomicBoolean.class).get())
                    .setProperty(DELETE, constant(true))
                .otherwise()
                    .log(LoggingLevel.WARN, LOG, "pair " + pair.id()
                            + ": a job of an event message failed; the message is left for redelivery")
            .end();
    }

    /** The job queue endpoint as a producer that waits for the job's outcome with no timeout. */
    static String waitingUri(String queueUri) {
        return queueUri + (queueUri.contains("?") ? "&" : "?") + "timeout=0";
    }

    private void decide(Exchange exchange) {
        List<S3Event> events = S3EventParser.parse(exchange.getIn().getBody(String.class));
        List<Job> jobs = decider.jobs(pair, identity, events);
        exchange.setProperty(JOBS, jobs.stream().map(JobCodec::toJson).toList());
    }

    private void poison(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = S3Errors.describe(e);
        decider.poison(pair);
        String dlq = pair.features().eventsDlq();
        if (dlq == null) {
            LOG.error("pair {}: event message is not an S3 event, left on the events queue for its redrive policy: {}",
                    pair.id(), reason);
            return;
        }
        try {
            if (dlqUrl == null) {
                dlqUrl = dlq.startsWith("http://") || dlq.startsWith("https://") ? dlq
                        : sqs.getQueueUrl(b -> b.queueName(dlq)).queueUrl();
            }
            // The same attributes as on the job queue's DLQ, so `dlq list` style tooling reads both.
            sqs.sendMessage(b -> b.queueUrl(dlqUrl).messageBody(exchange.getIn().getBody(String.class))
                    .messageAttributes(Map.of(
                            SqsJobQueue.REASON, SqsJobQueue.attribute(reason),
                            SqsJobQueue.PAIR, SqsJobQueue.attribute(pair.id()),
                            SqsJobQueue.FAILED_AT, SqsJobQueue.attribute(Instant.now().toString()))));
            LOG.error("pair {}: event message is not an S3 event, moved to {}: {}", pair.id(), dlq, reason);
        } catch (SdkException failure) {
            LOG.error("pair {}: event message is not an S3 event and could not be moved to {} ({}); left on the events queue: {}",
                    pair.id(), dlq, S3Errors.describe(failure), reason);
            return;
        }
        exchange.setProperty(DELETE, true);
    }

    private void leaveForRedelivery(Exchange exchange) {
        Throwable e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        LOG.warn("pair {}: event message left on the events queue for redelivery: {}", pair.id(), S3Errors.describe(e));
        LOG.debug("event message failed", e);
    }
}
