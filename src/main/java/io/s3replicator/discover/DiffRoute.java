package io.s3replicator.discover;

import io.s3replicator.queue.Job;
import io.s3replicator.queue.JobCodec;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

/**
 * DISCOVER: {@code direct:diff} lists both sides of the pair named in the
 * {@value PairDiffer#PAIR_ID} header and streams one JSON job per difference to the queue.
 * The queue blocks when full, so a huge bucket never piles up in memory.
 */
public class DiffRoute extends RouteBuilder {
    public static final String ENDPOINT = "direct:diff";

    private final PairDiffer differ;
    private final String queueUri;

    public DiffRoute(PairDiffer differ, String queueUri) {
        this.differ = differ;
        this.queueUri = queueUri;
    }

    @Override
    public void configure() {
        from(ENDPOINT).routeId("diff")
            // A failed listing ends the run with its reason; the jobs already queued still finish.
            .onException(Exception.class).handled(true).process(differ::failed).end()
            .process(differ::start)
            .split(body()).streaming().stopOnException()
                .filter(method(differ, "notYetQueued"))
                    .process(e -> e.getIn().setBody(JobCodec.toJson(e.getIn().getBody(Job.class))))
                    // Fire and forget, whatever the caller's pattern: the diff must never wait for a copy.
                    .to(ExchangePattern.InOnly, queueUri)
                    // Counted once enqueued: a run is complete when every counted job has an outcome.
                    .process(differ::emitted)
                .end()
            .end()
            .process(differ::finished);
    }
}
