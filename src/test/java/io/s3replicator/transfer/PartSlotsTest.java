package io.s3replicator.transfer;

import io.s3replicator.model.Job;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Part jobs of fanned-out uploads are admitted on the SQS consumer's thread and moved on the part
 * threads, a FIFO pool with as many threads as slots. A slot taken at admission by a job queued behind
 * one that waits for a slot on a part thread deadlocked the pool (one slot: B waits on the only thread,
 * C holds the slot behind it, and every part of the process, local ones too, waits for ever).
 * So admission only counts: a slot is taken on the part thread that moves the part.
 */
class PartSlotsTest {

    private static Exchange partJob(DefaultCamelContext camel, int number) {
        Exchange e = new DefaultExchange(camel);
        e.setProperty(FanOut.PART_JOB, new Job("p", null, Job.Operation.COPY, "k", 10, "e", null, null, "DIFF",
                Job.Reason.MISSING, 0).withPart(new Job.Part("u", "e", 10, 5, number, 2, "fixed", false, null, 0)));
        return e;
    }

    @Test
    void admitting_part_jobs_on_the_consumers_thread_holds_no_slot() throws Exception {
        PartSlots slots = new PartSlots(1);
        FanOut fanOut = new FanOut(null, null, null, null, null, slots, 0, null, null, null);
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            for (int n = 1; n <= 2; n++) {
                assertThat(fanOut.admit(partJob(camel, n))).as("part job %d admitted", n).isTrue();
                assertThat(slots.inUse()).as("slots held before a part thread runs part %d", n).isZero();
            }
        }
    }
}
