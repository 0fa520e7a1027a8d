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
 * -> copy each part -> aggregate part ETags -> complete sorted by part number, verified.
 * A source that changes mid-copy aborts the upload and the loop starts over on the new version.
 * The caller ({@link TransferRoute}) records the outcome left in {@link TransferRoute#OUTCOME}.
 */
public class MultipartRoute extends RouteBuilder {
    public static final String ENDPOINT = "direct:multipart";
    static final String ETAG = "S3ReplicatorMultipartEtag";
    static final String ATTEMPT = "S3ReplicatorMultipartAttempt";
    static final String UPLOAD = "S3ReplicatorMultipartUpload";
    /** Times a job follows a source that changes under it before giving up. */
    private static final int MAX_SOURCE_CHANGES = 3;

    private final MultipartCopier copier;
    private final ExecutorService partsPool;

    public MultipartRoute(MultipartCopier copier, ExecutorService partsPool) {
        this.copier = copier;
        this.partsPool = partsPool;
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
                        // synchronous: the worker thread waits for its parts, so objects in flight
                        // stay bounded by the transfer concurrency while parts use the shared pool.
                        .split(body(), new PartEtags()).streaming().executorService(partsPool).stopOnException()
                            .synchronous()
                            .process(this::copyPart)
                        .endDoTry()
                        .process(this::complete)
                    .doCatch(SourceChangedException.class)
                        .process(this::sourceChanged)
                    .end()
                .end()
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
        exchange.getIn().setBody(start.upload().plan().remaining(start.upload().resumed.keySet()));
    }

    private void copyPart(Exchange exchange) {
        MultipartCopier.Upload upload = exchange.getProperty(UPLOAD, MultipartCopier.Upload.class);
        exchange.getIn().setBody(copier.copyPart(upload, exchange.getIn().getBody(PartPlan.Part.class)));
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
