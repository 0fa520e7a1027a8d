package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.ListedObject;
import io.s3replicator.model.Job;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * TRANSFER for objects above the multipart threshold: plan parts -> split (streaming, on the
 * shared parts-in-flight pool, so part data in memory is at most parts-in-flight x part size)
 * -> copy each part -> aggregate part ETags -> complete sorted by part number, verified. In
 * distributed mode an object above the fan-out size sends one job per part to the queue instead and
 * waits for the upload's end ({@link FanOut}); part jobs from the queue arrive at {@link #PART_ENDPOINT}.
 * A source that changes mid-copy aborts the upload and the loop starts over on the new version.
 * The caller ({@link TransferRoute}) records the outcome left in {@link TransferRoute#OUTCOME}.
 */
public class MultipartRoute extends RouteBuilder {
    public static final String ENDPOINT = "direct:multipart";
    /** Where the transfer route hands a part job of an object fanned out across workers ({@link FanOut}). */
    public static final String PART_ENDPOINT = "direct:multipart-part";
    static final String FAN_OUT_ENDPOINT = "direct:multipart-fan-out";
    static final String LOCAL_ENDPOINT = "direct:multipart-local";
    /** Exchange property: this upload's parts go to the queue for any worker. */
    static final String FANNED_OUT = "S3ReplicatorFannedOut";
    static final String ETAG = "S3ReplicatorMultipartEtag";
    static final String ATTEMPT = "S3ReplicatorMultipartAttempt";
    static final String UPLOAD = "S3ReplicatorMultipartUpload";
    /** Times a job follows a source that changes under it before giving up. */
    private static final int MAX_SOURCE_CHANGES = 3;

    private final MultipartCopier copier;
    private final ExecutorService partsPool;
    private final PartSlots slots;
    private FanOut fanOut;
    private String sendUri;
    private ExecutorService partJobsPool;

    /** @param slots the parts this process moves at once, shared with the part jobs of fanned-out objects */
    public MultipartRoute(MultipartCopier copier, ExecutorService partsPool, PartSlots slots) {
        this.copier = copier;
        this.partsPool = partsPool;
        this.slots = slots;
    }

    /**
     * Distributed mode: objects above the fan-out size send their parts to the queue for any worker, and
     * this worker moves part jobs from the queue.
     *
     * @param sendUri      the queue endpoint part jobs are sent to: a batch endpoint takes a list of ten
     * @param partJobsPool threads that move part jobs, at least as many as part slots
     */
    public MultipartRoute fanningOut(FanOut fanOut, String sendUri, ExecutorService partJobsPool) {
        this.fanOut = fanOut;
        this.sendUri = sendUri;
        this.partJobsPool = partJobsPool;
        return this;
    }

    @Override
    public void configure() {
        // No error handler of its own: failures go back to the transfer route, which records them.
        from(ENDPOINT).routeId("multipart").errorHandler(noErrorHandler())
            .process(this::init)
            .loopDoWhile(exchangeProperty(TransferExchange.OUTCOME).isNull())
                .process(this::begin)
                .filter(exchangeProperty(TransferExchange.OUTCOME).isNull())
                    .doTry()
                        .choice()
                            .when(exchangeProperty(FANNED_OUT).isEqualTo(true))
                                .to(FAN_OUT_ENDPOINT)
                            .otherwise()
                                .to(LOCAL_ENDPOINT)
                    .endDoTry()
                    .doCatch(SourceChangedException.class)
                        .process(this::sourceChanged)
                    .end()
                .end()
            .end();

        // This worker moves every part: synchronous, so the worker thread waits for its parts and objects in
        // flight stay bounded by the transfer concurrency while parts use the shared pool.
        from(LOCAL_ENDPOINT).routeId("multipart-local").errorHandler(noErrorHandler())
            .split(body(), new PartEtags()).streaming().executorService(partsPool).stopOnException()
                .synchronous()
                .process(this::copyPart)
            .end()
            .process(this::complete);

        if (fanOut == null) {
            return;
        }
        // Any worker moves the parts: one job per part on the queue (ten a request), then this job waits for
        // the upload's end without holding a thread (the delay is asynchronous).
        from(FAN_OUT_ENDPOINT).routeId("multipart-fan-out").errorHandler(noErrorHandler())
            .process(fanOut::open)
            .split(body()).streaming().stopOnException()
                // A new message each: none of the object job's SQS headers become attributes of its parts.
                .removeHeaders("*")
                .to(sendUri)
                .process(fanOut::checkSent)
            .end()
            .process(fanOut::sent)
            .loopDoWhile(exchangeProperty(TransferExchange.OUTCOME).isNull())
                .delay(method(fanOut, "pollDelay")).asyncDelayed()
                .process(fanOut::poll)
            .end();

        // A part job from the queue (the transfer route hands it over before its own threads): moved on a
        // part slot of this worker, or handed back for a worker with one free.
        from(PART_ENDPOINT).routeId("multipart-part").errorHandler(noErrorHandler())
            .filter(fanOut::admit)
                .threads().executorService(partJobsPool)
                .process(fanOut::movePart)
            .end();
    }

    private void init(Exchange exchange) {
        exchange.setProperty(ETAG, exchange.getProperty(TransferExchange.JOB, Job.class).etag());
        exchange.setProperty(ATTEMPT, 0);
    }

    /** Plans, resumes or creates the upload; the body becomes the lazy iterator of missing parts. */
    private void begin(Exchange exchange) {
        ReplicationPair pair = exchange.getProperty(TransferExchange.PAIR, ReplicationPair.class);
        Job job = exchange.getProperty(TransferExchange.JOB, Job.class);
        // The destination is looked at once per job: a later attempt keeps the first plan's condition.
        MultipartCopier.Start start = copier.begin(pair, job, exchange.getProperty(ETAG, String.class),
                exchange.getProperty(TransferExchange.DESTINATION_SEEN, DestinationPrecondition.class));
        if (start.expected() != null) {
            exchange.setProperty(TransferExchange.DESTINATION_SEEN, start.expected());
        }
        if (start.outcome() != null) {
            exchange.setProperty(TransferExchange.OUTCOME, start.outcome());
            return;
        }
        exchange.setProperty(UPLOAD, start.upload());
        exchange.setProperty(FANNED_OUT, fanOut != null && fanOut.appliesTo(start.upload()));
        exchange.getIn().setBody(start.upload().plan().remaining(start.upload().resumed.keySet()));
    }

    private void copyPart(Exchange exchange) {
        MultipartCopier.Upload upload = exchange.getProperty(UPLOAD, MultipartCopier.Upload.class);
        slots.take();
        try {
            exchange.getIn().setBody(copier.copyPart(upload, exchange.getIn().getBody(PartPlan.Part.class)));
        } finally {
            slots.give();
        }
    }

    @SuppressWarnings("unchecked")
    private void complete(Exchange exchange) {
        MultipartCopier.Upload upload = exchange.getProperty(UPLOAD, MultipartCopier.Upload.class);
        Object body = exchange.getIn().getBody();
        // No aggregated body when every part was already at the destination.
        List<CompletedPart> moved = body instanceof List<?> list ? (List<CompletedPart>) list : List.of();
        exchange.setProperty(TransferExchange.OUTCOME, copier.complete(upload, moved));
    }

    /** Never a mixed object: drop the upload and follow the source to its new version. */
    private void sourceChanged(Exchange exchange) {
        MultipartCopier.Upload upload = exchange.getProperty(UPLOAD, MultipartCopier.Upload.class);
        if (upload != null) {
            copier.abort(upload);
            exchange.removeProperty(UPLOAD);
        }
        ReplicationPair pair = exchange.getProperty(TransferExchange.PAIR, ReplicationPair.class);
        Job job = exchange.getProperty(TransferExchange.JOB, Job.class);
        int attempt = exchange.getProperty(ATTEMPT, Integer.class) + 1;
        if (attempt > MAX_SOURCE_CHANGES) {
            throw new TransferException("source changed " + MAX_SOURCE_CHANGES
                    + " times during the copy; will retry on the next diff");
        }
        HeadObjectResponse now = copier.currentSource(pair, job);
        if (now == null) {
            exchange.setProperty(TransferExchange.OUTCOME, TransferOutcome.skipped("source deleted since it was listed"));
            return;
        }
        exchange.setProperty(ATTEMPT, attempt);
        exchange.setProperty(ETAG, ListedObject.bareEtag(now.eTag()));
    }

    /** Collects the part results into one list; completion sorts them by part number. */
    static final class PartEtags implements AggregationStrategy {
        @Override
        @SuppressWarnings("unchecked")
        public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
            Exchange result = oldExchange == null ? newExchange : oldExchange;
            if (newExchange.getException() != null) {
                return result;
            }
            CompletedPart part = newExchange.getIn().getBody(CompletedPart.class);
            List<CompletedPart> parts;
            if (result.getIn().getBody() instanceof List<?> list) {
                parts = (List<CompletedPart>) list;
            } else {
                parts = new ArrayList<>();
                result.getIn().setBody(parts);
            }
            parts.add(part);
            return result;
        }
    }
}
