package io.s3replicator.transfer;

import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.wiring.ObserveConfiguration;
import io.s3replicator.wiring.QueueConfiguration;
import io.s3replicator.wiring.ReplicatorConfiguration;
import io.s3replicator.wiring.StateConfiguration;
import io.s3replicator.wiring.StoreConfiguration;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.FaultInjector;
import io.s3replicator.testing.S3MockServers;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.s3.S3Client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The error paths of the diff and transfer routes under Camel Main (camel-test-main-junit5), against
 * S3Mock: the transfer route takes jobs from direct: instead of the seda: queue (AdviceWith), so
 * each job ends before the test goes on, and NotifyBuilder says how each exchange ended.
 */
// One Camel Main for the class: its tests use separate pairs and buckets.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@CamelMainTest(configurationClasses = {StoreConfiguration.class, StateConfiguration.class, QueueConfiguration.class,
        ObserveConfiguration.class, ReplicatorConfiguration.class},
        properties = {"camel.management.enabled=false", "s3replicator.state.dir=" + RouteErrorPathsTest.STATE,
            "s3replicator.transfer.retries=1", "s3replicator.transfer.retry-delay=0"},
        replaceRouteFromWith = "transfer=direct:jobs")
class RouteErrorPathsTest {
    static final String STATE = "target/camel-main-tests/route-errors/state";
    static final String SRC = S3MockServers.sourceEndpoint();
    static final String DST = S3MockServers.destinationEndpoint();
    static final S3Client src = S3MockServers.client(SRC);
    static final S3Client dst = S3MockServers.client(DST);

    static {
        org.apache.camel.util.FileUtil.removeDir(new java.io.File(STATE));
    }

    @BeanInject
    CamelContext context;

    ReplicationPair register(String id, String a, String b) {
        ReplicationPair pair = new ReplicationPair(id, S3Uri.parse("source", "s3://" + a + "?endpoint=" + SRC
                + "&pathStyle=true"), S3Uri.parse("destination", "s3://" + b + "?endpoint=" + DST + "&pathStyle=true"),
                KeyFilter.ALL, false);
        context.getRegistry().lookupByNameAndType("pairs", PairRegistry.class).register(pair);
        return pair;
    }

    RunStats run(String pairId) {
        return context.getRegistry().lookupByNameAndType("runs", RunRegistry.class).start(pairId, null);
    }

    String job(RunStats run, String key, String bucket) {
        var head = src.headObject(h -> h.bucket(bucket).key(key));
        run.jobEmitted();
        return JobCodec.toJson(new Job(run.pairId(), run.runId(), Job.Operation.COPY, key, head.contentLength(),
                head.eTag().replace("\"", ""), null, null, "DIFF", Job.Reason.MISSING, System.currentTimeMillis()));
    }

    @Test
    void messages_that_are_not_runnable_jobs_are_handled_and_the_route_goes_on() throws Exception {
        String a = Buckets.create(src, "errors-poison-src");
        String b = Buckets.create(dst, "errors-poison-dst");
        register("poison", a, b);
        Buckets.put(src, a, "good.txt", "good");
        RunStats run = run("poison");
        NotifyBuilder three = new NotifyBuilder(context).fromRoute("transfer").whenCompleted(3).and().whenFailed(0)
                .create();
        ProducerTemplate queue = context.createProducerTemplate();

        queue.sendBody("direct:jobs", "{not json");
        queue.sendBody("direct:jobs", JobCodec.toJson(new Job("no-such-pair", null, Job.Operation.COPY, "x", 1, "e",
                null, null, "DIFF", Job.Reason.MISSING, 0)));
        queue.sendBody("direct:jobs", job(run, "good.txt", a));

        assertThat(three.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(run.failed.sum()).isZero();
        assertThat(Buckets.keys(dst, b)).containsExactly("good.txt");
    }

    @Test
    void a_permanent_failure_is_recorded_once_and_never_redelivered() throws Exception {
        String a = Buckets.create(src, "errors-denied-src");
        String b = Buckets.create(dst, "errors-denied-dst");
        register("denied", a, b);
        Buckets.put(src, a, "denied.txt", "no");
        FaultInjector.failPuts(b, "denied.txt", 403);
        try {
            RunStats run = run("denied");
            NotifyBuilder one = new NotifyBuilder(context).fromRoute("transfer").whenCompleted(1).create();

            context.createProducerTemplate().sendBody("direct:jobs", job(run, "denied.txt", a));

            assertThat(one.matches(10, TimeUnit.SECONDS)).isTrue();
            assertThat(run.failures()).extracting(f -> List.of(f)).containsExactly(
                    List.of("denied.txt", "403 AccessDenied: injected failure"));
            assertThat(FaultInjector.count(b, "PutObject")).isEqualTo(1);
        } finally {
            FaultInjector.reset(b);
        }
    }

    @Test
    void a_listing_that_fails_ends_the_run_with_its_reason() throws Exception {
        String a = Buckets.create(src, "errors-gone-src");
        String b = Buckets.create(dst, "errors-gone-dst");
        register("gone", a, b);
        src.deleteBucket(d -> d.bucket(a));
        RunStats run = run("gone");
        NotifyBuilder diffEnded = new NotifyBuilder(context).fromRoute("diff").whenCompleted(1).create();

        context.createProducerTemplate().sendBodyAndHeaders("direct:diff", null,
                Map.of("S3ReplicatorPairId", "gone", "S3ReplicatorRunId", run.runId()));

        assertThat(diffEnded.matches(10, TimeUnit.SECONDS)).isTrue();
        assertThat(run.isComplete()).isTrue();
        assertThat(run.diffError()).startsWith("404 NoSuchBucket: ");
        assertThat(run.emitted()).isZero();
    }
}
