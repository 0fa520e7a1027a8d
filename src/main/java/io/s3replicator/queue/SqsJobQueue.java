package io.s3replicator.queue;

import org.apache.camel.Exchange;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The distributed queue: one SQS queue shared by N workers, with a DLQ.
 *
 * <ul>
 *   <li>One consumer long-polls up to ten messages a request and hands each to the transfer
 *       route's threads at once (a full pool makes the consumer run one itself, so it takes no
 *       more than it can start); Camel's consumer extends the visibility of every message in hand,
 *       waiting or running, ten per ChangeMessageVisibilityBatch, so a slow copy is never handed to
 *       a second worker. A worker that dies stops extending: the message comes back and the job
 *       resumes from its multipart checkpoints.</li>
 *   <li>A message is deleted here, explicitly, only when its job ended ({@link #finished}), ten
 *       per DeleteMessageBatch.</li>
 *   <li>A transient failure puts the message back after a growing delay; on its last allowed
 *       receive, and for poison or permanent failures at once, the message moves to the DLQ with
 *       the reason as message attributes ({@value #REASON}, {@value #PAIR}, {@value #FAILED_AT},
 *       {@value #RECEIVES}). The queue's redrive policy stays the safety net for crashes.</li>
 * </ul>
 */
public class SqsJobQueue implements JobQueue {
    public static final String REASON = "reason";
    public static final String PAIR = "pair";
    public static final String FAILED_AT = "failedAt";
    public static final String RECEIVES = "receives";
    /** Camel registry name of the SQS client the endpoints use. */
    public static final String CLIENT_BEAN = "sqsClient";
    private static final int MAX_DELAY_SECONDS = 900;
    private static final int MAX_ATTRIBUTE_CHARS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(SqsJobQueue.class);

    private final SqsQueues queues;

    public SqsJobQueue(SqsQueues queues) {
        this.queues = queues;
    }

    @Override
    public String producerUri() {
        return "aws2-sqs://" + SqsQueues.nameOf(queues.queueUrl()) + "?amazonSQSClient=#" + CLIENT_BEAN
                + "&queueUrl=RAW(" + queues.queueUrl() + ")&autoCreateQueue=false";
    }

    /** Camel's batch producer: a list body becomes one SendMessageBatch (ten messages at most). */
    @Override
    public String batchProducerUri() {
        return producerUri() + "&operation=sendBatchMessage";
    }

    @Override
    public String consumerUri(int concurrency) {
        SqsSettings s = queues.settings();
        return producerUri()
                + "&concurrentConsumers=1"
                // Ten a request (ReceiveMessage's most); the route hands each to its own threads at once, and
                // Camel extends the visibility of every message in hand (batched) until its job ends.
                + "&maxMessagesPerPoll=10"
                + "&waitTimeSeconds=" + s.waitSeconds()
                + "&visibilityTimeout=" + s.visibilitySeconds()
                + "&extendMessageVisibility=true"
                // Deleted by finished(), not by Camel: a failed job must stay in the queue.
                + "&deleteAfterRead=false"
                + "&attributeNames=All&messageAttributeNames=All"
                // Poll again at once after a message; an idle poll already waits wait-seconds.
                + "&greedy=true&delay=1";
    }

    @Override
    public void finished(Exchange exchange) {
        String receipt = exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
        if (receipt != null) {
            // Batched with other finished jobs' deletes (DeleteMessageBatch), after the job's record is durable.
            CompletableFuture<?> durable = exchange.getProperty(DURABLE, CompletableFuture.class);
            (durable == null ? CompletableFuture.completedFuture(null) : durable)
                    .thenCompose(done -> queues.batches().deleteMessage(b -> b.queueUrl(queues.queueUrl())
                            .receiptHandle(receipt)))
                    .whenComplete((response, e) -> {
                        if (e != null) {
                            // The job is done; if the message comes back, the destination's marker makes it a skip.
                            LOG.warn("job done but its message could not be deleted (it will come back and be skipped): {}",
                                    e.getMessage());
                        }
                    });
        }
    }

    /** Messages in the dead-letter queue now (SQS's approximate count): jobs an operator has to look at. */
    public long deadLetterCount() {
        String count = queues.client().getQueueAttributes(b -> b.queueUrl(queues.deadLetterUrl())
                .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .attributes().get(software.amazon.awssdk.services.sqs.model.QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
        return count == null ? 0 : Long.parseLong(count);
    }

    /** Receives ten messages a poll and hands them to the transfer route's own threads. */
    @Override
    public int handoffThreads(int concurrency) {
        return concurrency;
    }

    @Override
    public boolean isRedelivery(Exchange exchange) {
        return receiveCount(exchange) > 1;
    }

    @Override
    public java.time.Duration messageLifetime() {
        return queues.retention();
    }

    @Override
    public boolean canRetry(Exchange exchange) {
        return receiveCount(exchange) < queues.maxReceives();
    }

    @Override
    public void retryLater(Exchange exchange) {
        hideFor(exchange, backoffSeconds(queues.settings().retryDelaySeconds(), receiveCount(exchange)));
    }

    /** Sent first, deleted second: a crash in between leaves a duplicate (dropped by its claim), never a loss. */
    @Override
    public void requeue(Exchange exchange, String body, java.time.Duration delay) {
        int seconds = (int) Math.max(1, Math.min(MAX_DELAY_SECONDS, delay.toSeconds()));
        queues.client().sendMessage(b -> b.queueUrl(queues.queueUrl()).messageBody(body).delaySeconds(seconds));
        finished(exchange);
    }

    /** At least a second; at most 15 minutes, after which the receive looks again. */
    @Override
    public void retryAfter(Exchange exchange, java.time.Duration delay) {
        hideFor(exchange, (int) Math.min(MAX_DELAY_SECONDS, delay.toSeconds() + 1));
    }

    private void hideFor(Exchange exchange, int delay) {
        String receipt = exchange.getIn().getHeader(Sqs2Constants.RECEIPT_HANDLE, String.class);
        try {
            queues.client().changeMessageVisibility(b -> b.queueUrl(queues.queueUrl()).receiptHandle(receipt)
                    .visibilityTimeout(delay));
        } catch (SdkException e) {
            // Not fatal: the message still comes back when its visibility timeout ends.
            LOG.debug("could not shorten the visibility of a failed job: {}", e.getMessage());
        }
    }

    /** Exponential with full jitter on the upper half: base x 2^(receives-1), capped at 15 minutes. */
    static int backoffSeconds(int base, int receives) {
        if (base == 0) {
            return 0;
        }
        long ceiling = Math.min(MAX_DELAY_SECONDS, (long) base << Math.min(20, Math.max(0, receives - 1)));
        return (int) (ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    @Override
    public void reject(Exchange exchange, String pairId, String reason) {
        String body = exchange.getIn().getBody(String.class);
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put(REASON, attribute(reason == null ? "unknown" : reason));
        attributes.put(FAILED_AT, attribute(Instant.now().toString()));
        attributes.put(RECEIVES, attribute(String.valueOf(receiveCount(exchange))));
        if (pairId != null) {
            attributes.put(PAIR, attribute(pairId));
        }
        // Sent first, deleted second: a crash in between leaves a duplicate, never a loss.
        try {
            queues.client().sendMessage(b -> b.queueUrl(queues.deadLetterUrl())
                    .messageBody(body == null || body.isEmpty() ? "(empty message)" : body).messageAttributes(attributes));
        } catch (SdkException e) {
            // Kept in the job queue instead: it comes back, and the queue's redrive policy moves it aside.
            LOG.error("could not move a job to the dead-letter queue ({}); it stays in the job queue: {}",
                    e.getMessage(), reason);
            return;
        }
        finished(exchange);
        LOG.warn("moved a job to the dead-letter queue {}: {}", SqsQueues.nameOf(queues.deadLetterUrl()), reason);
    }

    @Override
    public boolean redelivers() {
        return true;
    }

    static int receiveCount(Exchange exchange) {
        Object count = exchange.getIn().getHeader("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count.toString());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** A String message attribute, cut to a size any queue takes; "-" for nothing. */
    public static MessageAttributeValue attribute(String value) {
        if (value == null || value.isEmpty()) {
            value = "-";
        }
        String v = value.length() <= MAX_ATTRIBUTE_CHARS ? value : value.substring(0, MAX_ATTRIBUTE_CHARS) + "...";
        return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
    }
}
