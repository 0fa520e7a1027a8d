package io.s3replicator.transfer;

import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.FannedOutParts;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An object's job received again (its worker died, or SQS's 12-hour ceiling) finds its upload
 * registered with every part job sent. A part job may have been lost since (moved to the DLQ by
 * the redrive policy, or dropped), and a recorded part may be missing from ListParts. Before, the
 * job trusted "sent" and its records, sent nothing, and waited until its receives ran out: the
 * object never completed. The parts absent from ListParts are sent again (a part still moving keeps
 * its claim, so a duplicate of it is dropped).
 */
class FanOutResumeTest {

    /** Three parts: all sent, parts 1 and 2 recorded; only part 1 is at the destination. */
    static final class SentEarlier implements FannedOutParts {
        @Override
        public Progress open(String uploadId, int partCount) {
            return new Progress(partCount, 2, true, null, null);
        }

        @Override
        public SortedMap<Integer, String> etags(String uploadId) {
            return new TreeMap<>(java.util.Map.of(1, "\"a\"", 2, "\"b\""));
        }

        @Override
        public Progress record(String uploadId, int part, String etag) {
            return new Progress(3, 2, true, null, null);
        }

        @Override
        public Optional<Progress> progress(String uploadId) {
            return Optional.of(new Progress(3, 2, true, null, null));
        }

        @Override
        public void sent(String uploadId) {
        }

        @Override
        public boolean claimCompletion(String uploadId, String owner, Duration ttl) {
            return false;
        }

        @Override
        public void releaseCompletion(String uploadId, String owner) {
        }

        @Override
        public boolean finishCompletion(String uploadId, String owner, String result) {
            return false;
        }

        @Override
        public boolean fail(String uploadId, String result) {
            return false;
        }

        @Override
        public void reopen(String uploadId, String result) {
        }

        @Override
        public void forget(String uploadId) {
        }
    }

    @Test
    void a_resumed_object_job_sends_again_every_part_missing_at_the_destination() throws Exception {
        PartPlan plan = PartPlan.withPartSize(15L << 20, 5L << 20);
        Job job = new Job("p", null, Job.Operation.COPY, "big.bin", plan.objectSize(), "src-etag", null, null, "DIFF",
                Job.Reason.MISSING, 0);
        SortedMap<Integer, String> atDestination = new TreeMap<>(java.util.Map.of(1, "\"a\""));
        MultipartCopier.Upload u = new MultipartCopier.Upload(null, job, "src-etag", "big.bin", "upload-1", plan,
                MultipartCopier.Layout.OWN, atDestination, false, DestinationPrecondition.ABSENT);
        FanOut fanOut = new FanOut(null, new SentEarlier(), null, null, null, new PartSlots(1), 1, Duration.ofMinutes(2),
                Duration.ofMinutes(30), null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(MultipartRoute.UPLOAD, u);

            fanOut.open(exchange);

            List<Integer> sent = new ArrayList<>();
            for (Iterator<?> batches = exchange.getIn().getBody(Iterator.class); batches.hasNext(); ) {
                for (Object json : (List<?>) batches.next()) {
                    sent.add(JobCodec.fromJson((String) json).part().number());
                }
            }
            assertThat(sent).containsExactly(2, 3);
        }
    }
}
