package io.s3replicator.transfer;

import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.wiring.ReplicatorConfiguration;
import io.s3replicator.config.S3Uri;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.record.RunRegistry;
import io.s3replicator.record.RunStats;
import io.s3replicator.model.Job;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.S3MockServers;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The transfer route on its own: jobs in, exactly one outcome per job out. */
class TransferRouteTest {
    @TempDir
    Path state;
    Main main;
    CamelContext context;
    S3Client src;
    S3Client dst;
    String srcEndpoint;
    String dstEndpoint;

    @BeforeEach
    void start() throws Exception {
        srcEndpoint = S3MockServers.sourceEndpoint();
        dstEndpoint = S3MockServers.destinationEndpoint();
        src = S3MockServers.client(srcEndpoint);
        dst = S3MockServers.client(dstEndpoint);
        main = new Main();
        ReplicatorConfiguration.ALL.forEach(main.configure()::addConfiguration);
        main.addOverrideProperty("s3replicator.state.dir", state.toString());
        main.addOverrideProperty("s3replicator.transfer.concurrency", "2");
        main.start();
        context = main.getCamelContext();
    }

    @AfterEach
    void stop() {
        main.stop();
    }

    ReplicationPair register(String a, String b) {
        ReplicationPair pair = new ReplicationPair("tr", S3Uri.parse("source", "s3://" + a + "?endpoint=" + srcEndpoint
                + "&pathStyle=true"), S3Uri.parse("destination", "s3://" + b + "?endpoint=" + dstEndpoint + "&pathStyle=true"),
                KeyFilter.ALL, false);
        context.getRegistry().lookupByNameAndType("pairs", PairRegistry.class).register(pair);
        return pair;
    }

    static Job job(RunStats run, String key, String etag, long size) {
        return new Job("tr", run.runId(), Job.Operation.COPY, key, size, etag, null, null, "DIFF", Job.Reason.MISSING,
                System.currentTimeMillis());
    }

    @Test
    void poison_messages_are_dropped_and_the_jobs_after_them_still_run() throws Exception {
        String a = Buckets.create(src, "tr-src");
        String b = Buckets.create(dst, "tr-dst");
        register(a, b);
        Buckets.put(src, a, "good.txt", "good");
        String etag = src.headObject(r -> r.bucket(a).key("good.txt")).eTag().replace("\"", "");
        RunStats run = context.getRegistry().lookupByNameAndType("runs", RunRegistry.class).start("tr", null);

        ProducerTemplate queue = context.createProducerTemplate();
        queue.sendBody("seda:jobs", "{not json");
        queue.sendBody("seda:jobs", JobCodec.toJson(new Job("no-such-pair", run.runId(), Job.Operation.COPY, "x", 1,
                "e", null, null, "DIFF", Job.Reason.MISSING, 0)));
        run.jobEmitted();
        queue.sendBody("seda:jobs", JobCodec.toJson(job(run, "good.txt", etag, 4)));
        run.jobEmitted();
        queue.sendBody("seda:jobs", JobCodec.toJson(job(run, "gone.txt", "0123456789abcdef0123456789abcdef", 4)));
        run.diffFinished();

        assertThat(run.awaitCompletion(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(Buckets.get(dst, b, "good.txt"))).isEqualTo("good");
        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(run.skippedByReason()).containsEntry("source deleted since it was listed", 1L);
        assertThat(context.getRegistry().lookupByNameAndType("stateBackend", StateBackend.class).jobStore()
                .outcomeCounts(run.runId())).containsEntry("COPIED", 1L).containsEntry("SKIPPED", 1L);
    }

    @Test
    void a_source_changed_since_listing_is_copied_at_its_new_version_never_the_old_one() throws Exception {
        String a = Buckets.create(src, "tr-chg-src");
        String b = Buckets.create(dst, "tr-chg-dst");
        register(a, b);
        Buckets.put(src, a, "k", "old");
        String oldEtag = src.headObject(r -> r.bucket(a).key("k")).eTag().replace("\"", "");
        Buckets.put(src, a, "k", "new!");
        RunStats run = context.getRegistry().lookupByNameAndType("runs", RunRegistry.class).start("tr", null);

        run.jobEmitted();
        context.createProducerTemplate().sendBody("seda:jobs", JobCodec.toJson(job(run, "k", oldEtag, 3)));
        run.diffFinished();

        assertThat(run.awaitCompletion(20, TimeUnit.SECONDS)).isTrue();
        assertThat(run.copied.sum()).isEqualTo(1);
        assertThat(new String(Buckets.get(dst, b, "k"))).isEqualTo("new!");
        assertThat(dst.headObject(r -> r.bucket(b).key("k")).metadata().get("source-etag"))
                .isEqualTo(src.headObject(r -> r.bucket(a).key("k")).eTag().replace("\"", ""));
    }
}
