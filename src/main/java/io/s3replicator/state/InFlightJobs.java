package io.s3replicator.state;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

/**
 * The idempotent repository of jobs in flight, shared by every worker: the same job arriving
 * twice (from the diff and from an event, or on two workers) is copied once.
 *
 * <p>An entry has an owner and an expiry. {@code add} succeeds when there is no entry, when the
 * entry has expired (its worker died), or when the entry is the same message's: an SQS message
 * redelivered after its worker died must be able to take its own job over. The owner is the
 * SQS message id when the job came from SQS, else the exchange id. Entries held by a live
 * process are renewed in the background, so a long job keeps its entry.
 */
public interface InFlightJobs extends IdempotentRepository {
    /** The header camel-aws2-sqs sets to the SQS message id (same value on every redelivery). */
    String SQS_MESSAGE_ID = "CamelAwsSqsMessageId";

    /** Pushes the expiry of an entry forward; false if there is no entry. */
    boolean renew(String key);

    /** Who claims a job: the SQS message when there is one, else this exchange. */
    static String ownerOf(Exchange exchange) {
        String sqs = exchange.getMessage().getHeader(SQS_MESSAGE_ID, String.class);
        return sqs != null ? "sqs:" + sqs : "exchange:" + exchange.getExchangeId();
    }
}
