package io.s3replicator.queue;

import io.s3replicator.record.RunStats;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.PairTest;
import io.s3replicator.testing.RunningReplicator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One machine: a job that can never succeed as it is goes through Camel's dead-letter channel into
 * the state store's dead-letter table (the embedded queue keeps nothing), and a redrive queues it
 * again without waiting for a diff. Before this the job was recorded FAILED and nothing else kept it.
 */
class EmbeddedDeadLettersTest extends PairTest {

    private DeadLetterJobs deadLetters() {
        return replicator.context().getRegistry().lookupByNameAndType("stateBackend", StateBackend.class).deadLetters();
    }

    @Test
    void a_job_refused_for_good_is_kept_with_its_reason_and_a_redrive_copies_it_without_a_diff() throws Exception {
        String a = Buckets.create(src, "dead-a");
        String b = Buckets.create(dst, "dead-b");
        Buckets.put(src, a, "k", "copied once the policy is fixed");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint),
                Map.of("s3replicator.dead-letters.redrive-poll", "1"));
        FaultInjector.failPuts(b, 403);
        try {
            RunStats run = diff("p");
            assertThat(run.failed.sum()).isEqualTo(1);
            // 403 is permanent: one request, no redelivery.
            assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(1);

            // The channel records the outcome (which ends the run), then keeps the job aside.
            RunningReplicator.await("the job kept aside", Duration.ofSeconds(10), () -> !deadLetters().list(10).isEmpty());
            List<DeadLetterJobs.Entry> dead = deadLetters().list(10);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).pairId()).isEqualTo("p");
            assertThat(dead.get(0).reason()).contains("403");
            assertThat(dead.get(0).body()).contains("\"key\":\"k\"");

            FaultInjector.stopFailingPuts(b);
            assertThat(deadLetters().markForRedrive(10)).isEqualTo(1);
            RunningReplicator.await("the redriven job copied", Duration.ofSeconds(30),
                    () -> Buckets.keys(dst, b).contains("k"));
            assertThat(new String(Buckets.get(dst, b, "k"))).isEqualTo("copied once the policy is fixed");
            RunningReplicator.await("its entry gone", Duration.ofSeconds(10), () -> deadLetters().list(10).isEmpty());
        } finally {
            FaultInjector.reset(b);
        }
    }
}
