package io.s3replicator.state.dynamodb;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.Leases;
import io.s3replicator.state.OwnedInFlightJobs;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.StateContract;
import io.s3replicator.state.backend.StateBackend;
import io.s3replicator.testing.DynamoDbLocal;
import io.s3replicator.testing.DynamoDbLocalKeys;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The state contract on DynamoDB (DynamoDB Local in this JVM), tables as deploy/cdk creates them. */
class DynamoDbStateTest extends StateContract {
    static DynamoDbClient client;
    static StateBackend backend;
    static String jobTable;
    static String inFlightTable;
    /** Each in-flight store of the contract claims in batches, as in production: one batcher per store, as per worker. */
    static final List<DynamoDbGroupClaims> batchers = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void tables() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        jobTable = "job-state-" + suffix;
        inFlightTable = "in-flight-" + suffix;
        client = DynamoDbLocal.client();
        try (DynamoDbLocalKeys keys = DynamoDbLocalKeys.use()) {
            backend = StateBackend.open(new StateSettings(StateSettings.Kind.DYNAMODB, Path.of("unused"), null, null,
                    null, jobTable, inFlightTable, DynamoDbLocal.endpoint(), "us-east-1", true, Duration.ofMinutes(10)));
        }
    }

    @AfterAll
    static void close() {
        batchers.forEach(DynamoDbGroupClaims::close);
        client.close();
        if (backend != null) {
            backend.close();
        }
    }

    @Override
    protected JobStore jobStore() {
        return new DynamoDbJobStore(client, jobTable, RETENTION, clock);
    }

    @Override
    protected CheckpointStore checkpoints() {
        return new DynamoDbCheckpointStore(client, jobTable, clock);
    }

    @Override
    protected OwnedInFlightJobs inFlight(Duration ttl) {
        DynamoDbGroupClaims claims = new DynamoDbGroupClaims(client);
        batchers.add(claims);
        return new DynamoDbInFlightJobs(client, inFlightTable, ttl, clock, null, claims);
    }

    @Override
    protected Leases leases() {
        return new DynamoDbLeases(client, jobTable, clock);
    }

    @Override
    protected DeadLetterJobs deadLetters() {
        return new DynamoDbDeadLetterJobs(client, jobTable, clock);
    }

    @Override
    protected CopiedEtags copiedEtags() {
        return new DynamoDbCopiedEtags(client, jobTable, RETENTION, clock);
    }

    @Override
    protected FannedOutParts fannedOutParts() {
        return new DynamoDbFannedOutParts(client, jobTable, RETENTION, clock);
    }

    @Override
    protected void expire() {
        DynamoDbTtl.expire(client, jobTable, clock.instant());
        DynamoDbTtl.expire(client, inFlightTable, clock.instant());
    }

    /**
     * Two workers, each gathering its claims into shared requests, claim the same 40 jobs from 8 threads each
     * at once: some jobs free, some only queued by a diff, some held by a third worker, some of a worker that
     * died; half the threads claim as for a job no diff queued (INSERT first). Each free, queued or dead job
     * goes to exactly one of them; no held job is taken.
     */
    @Test
    void claims_gathered_into_batches_by_two_workers_at_once_give_each_job_to_exactly_one() throws Exception {
        OwnedInFlightJobs first = inFlight(TTL);
        OwnedInFlightJobs second = inFlight(TTL);
        OwnedInFlightJobs third = inFlight(TTL);
        List<String> free = new ArrayList<>();
        List<String> queued = new ArrayList<>();
        List<String> held = new ArrayList<>();
        List<String> dead = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            free.add("free-" + unique + "-" + i);
            queued.add("queued-" + unique + "-" + i);
            held.add("held-" + unique + "-" + i);
            dead.add("dead-" + unique + "-" + i);
        }
        first.markAllQueued(queued);
        dead.forEach(k -> assertThat(third.add(exchange(), k)).isTrue());
        clock.advance(TTL.plusSeconds(1));
        held.forEach(k -> assertThat(third.add(exchange(), k)).isTrue());
        List<String> all = new ArrayList<>();
        List.of(free, queued, held, dead).forEach(all::addAll);
        Collections.shuffle(all, new Random(7));

        Map<String, AtomicInteger> winners = new ConcurrentHashMap<>();
        all.forEach(k -> winners.put(k, new AtomicInteger()));
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                OwnedInFlightJobs worker = t % 2 == 0 ? first : second;
                int offset = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < all.size(); i++) {
                        String key = all.get((i + offset * 5) % all.size());
                        // Every other thread claims as for a job no diff queued: INSERT first, not UPDATE.
                        Exchange exchange = exchange();
                        exchange.setProperty(InFlightJobs.NO_QUEUED_MARK, offset % 4 < 2);
                        if (worker.add(exchange, key)) {
                            winners.get(key).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (var f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String key : all) {
            assertThat(winners.get(key).get()).as(key)
                    .isEqualTo(key.startsWith("held-") ? 0 : 1);
        }
    }

    /**
     * A role written before claims were batched may not run PartiQL (dynamodb:PartiQLUpdate/PartiQLInsert):
     * an upgrade must not make every job fail. Claims fall back to a conditional PutItem each.
     */
    @Test
    void a_role_that_may_not_run_partiql_still_claims_each_job_once() throws Exception {
        DynamoDbClient denied = DynamoDbClient.builder()
                .endpointOverride(java.net.URI.create(DynamoDbLocal.endpoint()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        if ("BatchExecuteStatement".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                            throw DynamoDbException.builder().statusCode(400).message("not authorized to perform"
                                    + " dynamodb:PartiQLUpdate (injected)").awsErrorDetails(AwsErrorDetails.builder()
                                    .errorCode("AccessDeniedException").build()).build();
                        }
                    }
                }))
                .build();
        DynamoDbGroupClaims claims = new DynamoDbGroupClaims(denied);
        batchers.add(claims);
        OwnedInFlightJobs jobs = new DynamoDbInFlightJobs(denied, inFlightTable, TTL, clock, null, claims);
        String key = "denied-" + unique;
        assertThat(jobs.add(exchange(), key)).isTrue();
        assertThat(jobs.add(exchange(), key)).as("a second claimant").isFalse();
        Exchange fresh = exchange();
        fresh.setProperty(InFlightJobs.NO_QUEUED_MARK, true);
        assertThat(jobs.add(fresh, key + "-new")).isTrue();
    }
}
