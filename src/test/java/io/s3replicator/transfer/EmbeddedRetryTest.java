package io.s3replicator.transfer;

import io.s3replicator.record.RunStats;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.PairTest;
import io.s3replicator.testing.RunningReplicator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.s3replicator.testing.PairsYaml.pair;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * On one machine nothing redelivers a job from the in-memory queue, so a transient failure
 * (503 SlowDown, a reset) is retried by Camel's redelivery with backoff, in the same run, instead
 * of waiting for the next diff (issue: never lose user data, item 6).
 */
class EmbeddedRetryTest extends PairTest {

    @Test
    void a_job_that_fails_transiently_is_tried_again_in_the_same_run_and_copied() throws Exception {
        String a = Buckets.create(src, "retry-a");
        String b = Buckets.create(dst, "retry-b");
        Buckets.put(src, a, "k", "copied after the store recovers");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint), Map.of());
        FaultInjector.failPuts(b, 503);
        try {
            RunStats run = replicator.diff("p");
            // The SDK's own 4 attempts fail, and so does the first of the job's next attempt.
            RunningReplicator.await("the job tried again after the SDK gave up", Duration.ofSeconds(20),
                    () -> FaultInjector.count(b, "PutObject") > 4);
            FaultInjector.stopFailingPuts(b);
            assertThat(run.awaitCompletion(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            assertThat(run.failed.sum()).isZero();
            assertThat(run.copied.sum()).isEqualTo(1);
            assertThat(new String(Buckets.get(dst, b, "k"))).isEqualTo("copied after the store recovers");
        } finally {
            FaultInjector.reset(b);
        }
    }

    @Test
    void a_job_that_keeps_failing_ends_failed_after_the_stated_attempts() throws Exception {
        String a = Buckets.create(src, "retry2-a");
        String b = Buckets.create(dst, "retry2-b");
        Buckets.put(src, a, "k", "never lands");
        replicator = RunningReplicator.start(state, pair("p", a, srcEndpoint, b, dstEndpoint),
                Map.of("s3replicator.transfer.retries", "2", "s3replicator.transfer.retry-delay", "0"));
        FaultInjector.failPuts(b, 503);
        try {
            RunStats run = diff("p");

            assertThat(run.failed.sum()).isEqualTo(1);
            // The SDK's own attempts (4 per request: its default of 3 retries) times 1 + 2 redeliveries.
            assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(12);
        } finally {
            FaultInjector.reset(b);
        }
    }
}
