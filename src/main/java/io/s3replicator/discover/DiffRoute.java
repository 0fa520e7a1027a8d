package io.s3replicator.discover;

import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.SplitDefinition;

import java.util.concurrent.ExecutorService;

/**
 * DISCOVER: {@code direct:diff} lists both sides of the pair named in the
 * {@value PairDiffer#PAIR_ID} header and streams one JSON job per difference to the queue.
 * The queue blocks when full, so a huge bucket never piles up in memory.
 */
public class DiffRoute extends RouteBuilder {
    public static final String ENDPOINT = "direct:diff";

    private final PairDiffer differ;
    private final String queueUri;
    private final ExecutorService sendPool;

    /**
     * @param sendPool threads that queue jobs at once (SQS: each batch of ten costs a read of their
     *                 marks, a SendMessageBatch and a transaction of marks, tens of milliseconds; one
     *                 thread would pace every worker), or null to queue one at a time in key order
     *                 (the in-memory queue takes a job in microseconds)
     */
    public DiffRoute(PairDiffer differ, String queueUri, ExecutorService sendPool) {
        this.differ = differ;
        this.queueUri = queueUri;
        this.sendPool = sendPool;
    }

    /** Jobs per request when the queue takes batches (SQS SendMessageBatch: ten). */
    static final int BATCH = 10;
    private String batchUri;

    /** @param uri the queue's endpoint for sending a list of messages in one request (SQS SendMessageBatch) */
    public DiffRoute sendingBatchesTo(String uri) {
        this.batchUri = uri;
        return this;
    }

    @Override
    public void configure() {
        if (batchUri != null) {
            configureBatches();
            return;
        }
        SplitDefinition split = from(ENDPOINT).routeId("diff")
            // A failed listing ends the run with its reason; the jobs already queued still finish.
            .onException(Exception.class).handled(true).process(differ::failed).end()
            .process(differ::start)
            .split(body()).streaming().stopOnException();
        if (sendPool != null) {
            split.parallelProcessing().executorService(sendPool);
        }
        split
                .filter(differ::notYetQueued)
                    // The Job itself: the in-memory queue carries it as it is (see JobCodec).
                    .doTry()
                        // Fire and forget, whatever the caller's pattern: the diff must never wait for a copy.
                        .to(ExchangePattern.InOnly, queueUri)
                    .doCatch(Exception.class)
                        // Not queued after all: drop its mark, then fail the diff as before.
                        .process(differ::notQueued)
                    .end()
                    // Counted once enqueued: a run is complete when every counted job has an outcome.
                    .process(differ::emitted)
                .end()
            .end()
            .process(differ::finished);
    }

    /**
     * Ten jobs a request: their queued marks read in one batch, the jobs not yet queued sent in one
     * SendMessageBatch, then marked queued in one batched write.
     */
    private void configureBatches() {
        SplitDefinition split = from(ENDPOINT).routeId("diff")
            .onException(Exception.class).handled(true).process(differ::failed).end()
            .process(differ::start)
            .process(e -> e.getIn().setBody(Batches.of(e.getIn().getBody(java.util.Iterator.class), BATCH)))
            .split(body()).streaming().stopOnException();
        if (sendPool != null) {
            split.parallelProcessing().executorService(sendPool);
        }
        split
                .filter(differ::notYetQueuedBatch)
                    .doTry()
                        .process(differ::toMessages)
                        .to(batchUri)
                        .process(differ::emittedBatch)
                    .doFinally()
                        // Ended either way: a failed diff waits for this before it reports.
                        .process(differ::batchOver)
                    .end()
                .end()
            .end()
            .process(differ::finished);
    }
}
