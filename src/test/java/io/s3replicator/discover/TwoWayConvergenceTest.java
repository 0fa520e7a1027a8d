package io.s3replicator.discover;

import io.s3replicator.record.ReplicatorMetrics;
import io.s3replicator.testing.Buckets;
import io.s3replicator.testing.PairsYaml;
import io.s3replicator.testing.ElasticMq;
import io.s3replicator.testing.RunningReplicator;
import io.s3replicator.testing.S3EventEmitter;
import io.s3replicator.testing.S3MockServers;
import io.s3replicator.testing.TwoEndpoints;
import org.apache.camel.component.seda.SedaEndpoint;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-way sync between two S3Mock instances (two accounts): pairs A -> B and B -> A, each fed
 * by its bucket's S3 events. {@link S3EventEmitter} plays S3: every write to A or B, the
 * replicator's own included, produces the event S3 would send (some twice, some late). Users
 * on both sides write and delete the same small key space at random; afterwards both buckets
 * must hold the same objects, with a bounded number of transfers (no ping-pong).
 */
class TwoWayConvergenceTest extends TwoEndpoints {
    /** The replicator signs with the test JVM's default credentials; test users with S3MockServers' key. */
    static final String REPLICATOR_KEY = "test-access-key";
    static final int OPS_PER_SIDE = 110;
    static final int KEYS = 20;

    final SqsClient sqs = ElasticMq.client();

    @Test
    void random_writes_and_deletes_on_both_sides_converge_with_the_principal_guard() throws Exception {
        Result r = run(true, 1);
        assertThat(r.layer1).as("events caused by the replicator dropped by principal").isPositive();
        assertThat(r.transfers).as("transfers").isLessThanOrEqualTo(bound(r.userOps));
    }

    @Test
    void random_writes_and_deletes_on_both_sides_converge_with_one_principal_for_everyone() throws Exception {
        Result r = run(false, 2);
        assertThat(r.layer1).as("principal guard off: nothing dropped by principal").isZero();
        assertThat(r.layer2).as("echoes stopped by the source-etag marker").isPositive();
        assertThat(r.ownDeletes).as("echoes of the replicator's own deletes not applied back").isPositive();
        assertThat(r.transfers).as("transfers").isLessThanOrEqualTo(bound(r.userOps));
    }

    /**
     * No ping-pong: at most one transfer per user operation (a copy or a delete reaching the other
     * side), plus a tenth for duplicate deliveries that race their twin. A loop would exceed it many
     * times over.
     */
    static long bound(int userOps) {
        return userOps + userOps / 10;
    }

    record Result(int userOps, long transfers, double layer1, double layer2, double ownDeletes, double duplicates) {
    }

    Result run(boolean principalGuard, long seed) throws Exception {
        String a = Buckets.create(src, "tw-a");
        String b = Buckets.create(dst, "tw-b");
        String qa = ElasticMq.uniqueName("tw-events-a");
        String qb = ElasticMq.uniqueName("tw-events-b");
        String qaUrl = sqs.createQueue(q -> q.queueName(qa)).queueUrl();
        String qbUrl = sqs.createQueue(q -> q.queueName(qb)).queueUrl();
        java.util.function.Function<String, String> principal = key -> !principalGuard ? "S3MOCKUSER"
                : REPLICATOR_KEY.equals(key) ? "AIDAREPLICATOR" : "AIDATESTUSER";
        S3EventEmitter.arm(a, new S3EventEmitter.Armed(srcEndpoint, qaUrl, principal, 0.05, 0.10, sqs,
                S3MockServers.client(srcEndpoint)));
        S3EventEmitter.arm(b, new S3EventEmitter.Armed(dstEndpoint, qbUrl, principal, 0.05, 0.10, sqs,
                S3MockServers.client(dstEndpoint)));
        S3EventEmitter.resetCounts();
        String identity = principalGuard ? "AIDAREPLICATOR" : "none";
        // The identity option rides on the source URI's query, after the endpoint.
        String pairs = PairsYaml.pair("a-to-b", a, srcEndpoint + "&identity=" + identity, b, dstEndpoint,
                "events", qa, "deletes", "true", "twoWay", "true")
                + PairsYaml.pair("b-to-a", b, dstEndpoint + "&identity=" + identity, a, srcEndpoint,
                "events", qb, "deletes", "true", "twoWay", "true");
        try (RunningReplicator replicator = RunningReplicator.start(state, pairs, Map.of())) {
            Random random = new Random(seed);
            long seedA = random.nextLong();
            long seedB = random.nextLong();
            AtomicInteger puts = new AtomicInteger();
            AtomicInteger multipart = new AtomicInteger();
            AtomicInteger deletes = new AtomicInteger();
            long started = System.nanoTime();
            CompletableFuture<Void> userA = CompletableFuture.runAsync(() -> user(src, a, seedA, puts, multipart, deletes));
            CompletableFuture<Void> userB = CompletableFuture.runAsync(() -> user(dst, b, seedB, puts, multipart, deletes));
            userA.get();
            userB.get();
            long opsDone = System.nanoTime();
            int userOps = puts.get() + multipart.get() + deletes.get();

            awaitQuiet(replicator, qaUrl, qbUrl);
            Map<String, String> afterEventsA = content(src, a);
            Map<String, String> afterEventsB = content(dst, b);
            boolean byEvents = afterEventsA.equals(afterEventsB);
            java.util.Set<String> differing = new java.util.TreeSet<>(afterEventsA.keySet());
            differing.addAll(afterEventsB.keySet());
            differing.removeIf(k -> java.util.Objects.equals(afterEventsA.get(k), afterEventsB.get(k)));
            long eventsMs = (System.nanoTime() - opsDone) / 1_000_000;
            long beforeDiff = S3EventEmitter.writes(REPLICATOR_KEY, "copy") + S3EventEmitter.writes(REPLICATOR_KEY, "delete");
            // The reconciling diff keeps running in two-way mode, in both directions.
            replicator.diff("a-to-b");
            replicator.diff("b-to-a");
            awaitQuiet(replicator, qaUrl, qbUrl);
            long convergedMs = (System.nanoTime() - opsDone) / 1_000_000;

            Map<String, String> contentA = content(src, a);
            Map<String, String> contentB = content(dst, b);
            long copies = S3EventEmitter.writes(REPLICATOR_KEY, "copy");
            long deleted = S3EventEmitter.writes(REPLICATOR_KEY, "delete");
            Result result = new Result(userOps, copies + deleted,
                    replicator.count(ReplicatorMetrics.LOOP_GUARD, "layer", "principal"),
                    replicator.count(ReplicatorMetrics.LOOP_GUARD, "layer", "marker"),
                    replicator.count(ReplicatorMetrics.LOOP_GUARD, "layer", "own_delete"),
                    replicator.count(ReplicatorMetrics.LOOP_GUARD, "layer", "duplicate"));
            String summary = String.format("two-way convergence, principal guard %s: %d user operations in %.1f s"
                            + " (%d puts, %d multipart puts, %d deletes; %d keys), %d objects at the end;"
                            + " transfers %d (%d copies, %d deletes); loop guard drops: principal %.0f, marker %.0f,"
                            + " own delete %.0f, duplicate in flight %.0f; other skips %s; stale events %.0f;"
                            + " identical by events alone: %s (%d ms after the last operation; keys differing then: %s);"
                            + " converged after the diff: %s, %d ms after the last operation (the diff made %d transfers)",
                    principalGuard ? "on" : "off", userOps, (opsDone - started) / 1e9, puts.get(), multipart.get(),
                    deletes.get(), KEYS, contentA.size(), result.transfers, copies, deleted, result.layer1, result.layer2,
                    result.ownDeletes, result.duplicates, skips(replicator),
                    replicator.count(ReplicatorMetrics.OBJECTS, "reason", "stale"), byEvents, eventsMs, differing,
                    contentA.equals(contentB), convergedMs, result.transfers - beforeDiff);
            System.out.println(summary);
            Files.writeString(Path.of("target", "convergence-guard-" + (principalGuard ? "on" : "off") + ".txt"),
                    summary + "\n");
            assertThat(contentB).as("B equals A").isEqualTo(contentA);
            return result;
        } finally {
            S3EventEmitter.disarm(a);
            S3EventEmitter.disarm(b);
        }
    }

    static String skips(RunningReplicator r) {
        Map<String, Long> out = new TreeMap<>();
        r.meters().find(ReplicatorMetrics.OBJECTS).tag("outcome", "SKIPPED").counters().forEach(c ->
                out.merge(c.getId().getTag("reason"), (long) c.count(), Long::sum));
        return out.toString();
    }

    /** One user writing and deleting random keys of one side. */
    static void user(S3Client s3, String bucket, long seed, AtomicInteger puts, AtomicInteger multipart,
                     AtomicInteger deletes) {
        Random random = new Random(seed);
        for (int i = 0; i < OPS_PER_SIDE; i++) {
            String key = String.format("k%02d %s", random.nextInt(KEYS), "obj+x.txt");
            int dice = random.nextInt(100);
            if (dice < 72) {
                byte[] body = new byte[16 + random.nextInt(240)];
                random.nextBytes(body);
                s3.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(body));
                puts.incrementAndGet();
            } else if (dice < 75) {
                multipartPut(s3, bucket, key, random);
                multipart.incrementAndGet();
            } else {
                s3.deleteObject(d -> d.bucket(bucket).key(key));
                deletes.incrementAndGet();
            }
            sleep(random.nextInt(40));
        }
    }

    /**
     * A 6 MiB object in two parts: its ETag ("...-2") differs from a single-request copy's.
     * S3Mock loses the parts of an upload when the key is overwritten meanwhile (the replicator
     * copying the other side's version), which S3 does not: then the upload is started again.
     */
    static void multipartPut(S3Client s3, String bucket, String key, Random random) {
        for (int attempt = 1; ; attempt++) {
            try {
                multipartPutOnce(s3, bucket, key, random);
                return;
            } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
                if (attempt == 5 || e.statusCode() != 400) {
                    throw e;
                }
            }
        }
    }

    static void multipartPutOnce(S3Client s3, String bucket, String key, Random random) {
        String upload = s3.createMultipartUpload(c -> c.bucket(bucket).key(key)).uploadId();
        byte[] first = new byte[5 * 1024 * 1024];
        byte[] second = new byte[1024 * 1024];
        random.nextBytes(first);
        random.nextBytes(second);
        String e1 = s3.uploadPart(u -> u.bucket(bucket).key(key).uploadId(upload).partNumber(1),
                RequestBody.fromBytes(first)).eTag();
        String e2 = s3.uploadPart(u -> u.bucket(bucket).key(key).uploadId(upload).partNumber(2),
                RequestBody.fromBytes(second)).eTag();
        s3.completeMultipartUpload(c -> c.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(e1).build(),
                CompletedPart.builder().partNumber(2).eTag(e2).build())));
    }

    /** Key -> MD5 of the bytes (ETags of a copy and its multipart original differ). */
    static Map<String, String> content(S3Client s3, String bucket) {
        Map<String, String> out = new TreeMap<>();
        for (String key : Buckets.keys(s3, bucket)) {
            try {
                out.put(key, HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Buckets.get(s3, bucket, key))));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** No event waiting or in flight on either queue, no job queued or running, three checks in a row. */
    static void awaitQuiet(RunningReplicator replicator, String... queues) throws InterruptedException {
        SqsClient sqs = ElasticMq.client();
        int quiet = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (quiet < 3) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("replication did not settle within 3 minutes");
            }
            boolean idle = replicator.context().getInflightRepository().size() == 0
                    && ((SedaEndpoint) replicator.context().getEndpoints().stream()
                        .filter(e -> e instanceof SedaEndpoint).findFirst().orElseThrow()).getCurrentQueueSize() == 0;
            for (String url : queues) {
                Map<QueueAttributeName, String> q = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
                idle &= q.values().stream().allMatch("0"::equals);
            }
            quiet = idle ? quiet + 1 : 0;
            Thread.sleep(500);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
