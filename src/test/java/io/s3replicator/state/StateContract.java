package io.s3replicator.state;

import io.s3replicator.state.CheckpointStore.Upload;
import io.s3replicator.state.JobResult.Outcome;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What every state backend must do, run against each (JDBC on H2, DynamoDB on DynamoDB Local).
 * Time is a {@link MutableClock}: expiry is tested by moving it, not by sleeping.
 */
public abstract class StateContract {
    protected static final Duration TTL = Duration.ofSeconds(60);
    /** The retention the stores of these tests are built with. */
    protected static final Duration RETENTION = Duration.ofDays(30);
    protected static CamelContext camel;

    protected final MutableClock clock = new MutableClock();
    /** Keys and names unique to this test: backends are shared by the tests of a class. */
    protected final String unique = UUID.randomUUID().toString().substring(0, 8);

    protected abstract JobStore jobStore();

    protected abstract CheckpointStore checkpoints();

    protected abstract OwnedInFlightJobs inFlight(Duration ttl);

    protected abstract Leases leases();

    protected abstract CopiedEtags copiedEtags();

    /** The dead-letter table, on the test clock. */
    protected abstract DeadLetterJobs deadLetters();

    protected abstract FannedOutParts fannedOutParts();

    /**
     * The backend's expiry as of the test clock, with {@link #RETENTION}: the JDBC sweep, or on
     * DynamoDB what its TTL does (deletes the items whose {@code expiresAt} has passed).
     */
    protected abstract void expire();

    @BeforeAll
    static void camel() {
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void closeCamel() throws Exception {
        camel.close();
    }

    protected static Exchange exchange() {
        return new DefaultExchange(camel);
    }

    protected static Exchange sqsMessage(String messageId) {
        Exchange e = exchange();
        e.getMessage().setHeader(InFlightJobs.SQS_MESSAGE_ID, messageId);
        return e;
    }

    protected JobResult result(String runId, String key, String etag, Outcome outcome, String reason, long bytes) {
        return new JobResult(runId, "pair", key, "dst/" + key, "COPY", outcome, reason, etag, null, bytes,
                outcome == Outcome.COPIED ? "relay" : null, 12);
    }

    // ---- job status ----

    @Test
    void a_job_that_failed_then_was_copied_counts_once_as_copied_after_two_attempts() {
        JobStore jobs = jobStore();
        String run = "run-" + unique;
        Instant first = clock.instant();
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.FAILED, "503 SlowDown", 0));
        assertThat(jobs.outcomeCounts(run)).containsExactly(Map.entry("FAILED", 1L));
        clock.advance(Duration.ofSeconds(5));
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.COPIED, null, 42));
        jobs.recordResult(result(run, "b.txt", "e2", Outcome.SKIPPED, "destination already holds this version", 0));
        jobs.recordResult(result("other-" + unique, "a.txt", "e1", Outcome.FAILED, "403 AccessDenied", 0));

        assertThat(jobs.outcomeCounts(run)).containsExactly(Map.entry("COPIED", 1L), Map.entry("SKIPPED", 1L));
        JobStatus a = jobs.status(run, "pair", "a.txt", "e1", null).orElseThrow();
        assertThat(a.status()).isEqualTo(Outcome.COPIED);
        assertThat(a.attempts()).isEqualTo(2);
        assertThat(a.bytes()).isEqualTo(42);
        assertThat(a.reason()).as("the failure's reason is not the copy's").isNull();
        assertThat(a.path()).isEqualTo("relay");
        assertThat(a.destinationKey()).isEqualTo("dst/a.txt");
        assertThat(a.operation()).isEqualTo("COPY");
        assertThat(a.firstAt()).isEqualTo(first);
        assertThat(a.lastAt()).isEqualTo(first.plusSeconds(5));
        assertThat(jobs.status(run, "pair", "never.txt", "e1", null)).isEmpty();
    }

    @Test
    void a_copied_job_stays_copied_when_a_redelivery_skips_or_fails() {
        JobStore jobs = jobStore();
        String run = "run-" + unique;
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.COPIED, null, 42));
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.SKIPPED, "destination already holds this version", 0));
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.FAILED, "500 InternalError", 0));
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.RETRYING, "503 SlowDown", 0));

        assertThat(jobs.outcomeCounts(run)).containsExactly(Map.entry("COPIED", 1L));
        JobStatus a = jobs.status(run, "pair", "a.txt", "e1", null).orElseThrow();
        assertThat(a.attempts()).isEqualTo(4);
        assertThat(a.bytes()).isEqualTo(42);
        assertThat(a.reason()).isNull();
    }

    @Test
    void another_source_version_is_another_job_and_event_jobs_share_the_events_run() {
        JobStore jobs = jobStore();
        String run = "run-" + unique;
        jobs.recordResult(result(run, "a.txt", "e1", Outcome.COPIED, null, 1));
        jobs.recordResult(result(run, "a.txt", "e2", Outcome.COPIED, null, 2));
        jobs.recordResult(new JobResult(run, "pair", "v.txt", "v.txt", "COPY", Outcome.COPIED, null, "e", "v1", 1,
                "relay", 1));
        jobs.recordResult(new JobResult(run, "pair", "v.txt", "v.txt", "COPY", Outcome.FAILED, "x", "e", "v2", 1,
                null, 1));
        assertThat(jobs.outcomeCounts(run)).containsExactly(Map.entry("COPIED", 3L), Map.entry("FAILED", 1L));
        assertThat(jobs.status(run, "pair", "v.txt", "e", "v2").orElseThrow().versionId()).isEqualTo("v2");

        String key = "event-" + unique;
        long before = jobs.outcomeCounts(null).getOrDefault("COPIED", 0L);
        jobs.recordResult(result(null, key, "e1", Outcome.COPIED, null, 1));
        assertThat(jobs.outcomeCounts(JobStore.EVENTS_RUN).get("COPIED")).isEqualTo(before + 1);
        assertThat(jobs.status(null, "pair", key, "e1", null).orElseThrow().runId()).isEqualTo(JobStore.EVENTS_RUN);
    }

    @Test
    void counts_stay_exact_when_two_workers_record_the_same_jobs_at_once() throws Exception {
        JobStore jobs = jobStore();
        String run = "run-" + unique;
        int n = 60;
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = "k" + i;
            tasks.add(() -> {
                jobs.recordResult(result(run, key, "e", Outcome.FAILED, "timeout", 0));
                return null;
            });
            tasks.add(() -> {
                jobs.recordResult(result(run, key, "e", Outcome.COPIED, null, 7));
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> f : pool.invokeAll(tasks)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // Whichever order the two records of a job landed in, the copy is what counts.
        assertThat(jobs.outcomeCounts(run)).containsExactly(Map.entry("COPIED", (long) n));
        for (int i = 0; i < n; i++) {
            assertThat(jobs.status(run, "pair", "k" + i, "e", null).orElseThrow().attempts()).as("k" + i).isEqualTo(2);
        }
    }

    // ---- multipart checkpoints ----

    @Test
    void checkpoints_find_an_upload_by_source_version_and_forget_it() {
        CheckpointStore store = checkpoints();
        String bucket = "b-" + unique;
        store.started(new Upload(bucket, "big.bin", "old-etag", "upload-1-" + unique, 8 << 20));
        clock.advance(Duration.ofSeconds(1));
        store.started(new Upload(bucket, "big.bin", "new-etag", "upload-2-" + unique, 16 << 20));
        store.started(new Upload(bucket, "other.bin", "new-etag", "upload-3-" + unique, 8 << 20));

        assertThat(store.uploadsFor(bucket, "big.bin")).extracting(Upload::uploadId)
                .containsExactly("upload-1-" + unique, "upload-2-" + unique);
        assertThat(store.find(bucket, "big.bin", "new-etag")).contains(
                new Upload(bucket, "big.bin", "new-etag", "upload-2-" + unique, 16 << 20));
        assertThat(store.find(bucket, "big.bin", "no-such-etag")).isEmpty();

        store.forget("upload-2-" + unique);
        assertThat(store.uploadsFor(bucket, "big.bin")).extracting(Upload::uploadId)
                .containsExactly("upload-1-" + unique);
        assertThat(store.uploadsFor(bucket, "other.bin")).hasSize(1);
    }

    // ---- retention ----

    @Test
    void job_results_expire_a_retention_after_their_last_attempt() {
        JobStore jobs = jobStore();
        String run = "run-" + unique;
        jobs.recordResult(result(run, "old.txt", "e1", Outcome.COPIED, null, 1));
        jobs.recordResult(result(run, "retried.txt", "e1", Outcome.FAILED, "503 SlowDown", 0));
        assertThat(jobs.outcomeCounts(run)).hasSize(2);
        clock.advance(Duration.ofDays(20));
        jobs.recordResult(result(run, "retried.txt", "e1", Outcome.COPIED, null, 2));
        jobs.recordResult(result(run, "new.txt", "e1", Outcome.SKIPPED, "in step", 0));
        // Read back before the clock moves: a store written behind has written them by then.
        assertThat(jobs.outcomeCounts(run)).hasSize(2);
        clock.advance(Duration.ofDays(10).plusMinutes(1));

        expire();

        assertThat(jobs.status(run, "pair", "old.txt", "e1", null)).as("last written 30 days ago").isEmpty();
        assertThat(jobs.status(run, "pair", "retried.txt", "e1", null)).as("last attempt 10 days ago").isPresent();
        assertThat(jobs.outcomeCounts(run)).containsExactly(Map.entry("COPIED", 1L), Map.entry("SKIPPED", 1L));
    }

    @Test
    void copy_records_expire_a_retention_after_the_copy() {
        CopiedEtags copies = copiedEtags();
        String bucket = "b-" + unique;
        copies.copied(bucket, "old.bin", "src", "dst-2");
        clock.advance(Duration.ofDays(20));
        copies.copied(bucket, "new.bin", "src", "dst-2");
        clock.advance(Duration.ofDays(10).plusMinutes(1));

        expire();

        // Losing one costs a HEAD at the next diff, whose in-step skip records it again.
        assertThat(copies.isCopyOf(bucket, "old.bin", "src", "dst-2")).isFalse();
        assertThat(copies.isCopyOf(bucket, "new.bin", "src", "dst-2")).isTrue();
    }

    @Test
    void a_dead_job_is_kept_once_with_its_latest_reason_until_it_ends_well_and_is_taken_for_redrive_once() {
        DeadLetterJobs dead = deadLetters();
        String first = "a-" + unique, second = "b-" + unique;
        dead.add(first, "pair", "403 AccessDenied", "{\"key\":\"a\"}");
        clock.advance(Duration.ofMinutes(1));
        dead.add(second, null, "not a job", "garbage");
        clock.advance(Duration.ofMinutes(1));
        // The next diff finds the same object failing again: one entry, the newer reason, two failures.
        dead.add(first, "pair", "403 AccessDenied (again)", "{\"key\":\"a\"}");

        assertThat(dead.list(10)).extracting(DeadLetterJobs.Entry::id, DeadLetterJobs.Entry::pairId,
                        DeadLetterJobs.Entry::reason, DeadLetterJobs.Entry::failures, DeadLetterJobs.Entry::redrive)
                .containsExactly(tuple(second, null, "not a job", 1, false),
                        tuple(first, "pair", "403 AccessDenied (again)", 2, false));
        assertThat(dead.list(1)).hasSize(1);
        assertThat(dead.takeMarked(10)).isEmpty();

        assertThat(dead.markForRedrive(1)).isEqualTo(1);
        assertThat(dead.markForRedrive(10)).isEqualTo(1);
        assertThat(dead.markForRedrive(10)).isZero();
        assertThat(dead.list(10)).allMatch(DeadLetterJobs.Entry::redrive);
        // Taken once: a second taker (another process) gets nothing; both stay listed until they end.
        assertThat(dead.takeMarked(10)).extracting(DeadLetterJobs.Entry::id).containsExactly(second, first);
        assertThat(dead.takeMarked(10)).isEmpty();
        assertThat(dead.list(10)).hasSize(2).noneMatch(DeadLetterJobs.Entry::redrive);

        // One failed again (new reason), the other ended well (gone).
        dead.add(first, "pair", "still denied", "{\"key\":\"a\"}");
        dead.remove(second);
        assertThat(dead.list(10)).extracting(DeadLetterJobs.Entry::id, DeadLetterJobs.Entry::reason,
                DeadLetterJobs.Entry::failures).containsExactly(tuple(first, "still denied", 3));
        assertThat(dead.list(10).get(0).body()).isEqualTo("{\"key\":\"a\"}");
        dead.remove(first);
        assertThat(dead.list(10)).isEmpty();
    }

    @Test
    void expiry_never_takes_live_state_a_running_job_a_queued_mark_a_lease_or_an_upload_in_progress() {
        OwnedInFlightJobs jobs = inFlight(Duration.ofDays(2));
        jobs.windows(Duration.ofDays(14), Duration.ofMinutes(10));
        Leases leases = leases();
        CheckpointStore checkpoints = checkpoints();
        String running = "running-" + unique;
        String queued = "queued-" + unique;
        String lease = "diff#" + unique;
        String bucket = "b-" + unique;
        assertThat(jobs.add(sqsMessage("m-1"), running)).isTrue();
        checkpoints.started(new Upload(bucket, "big.bin", "etag", "upload-" + unique, 8 << 20));
        // A long job: its worker renews the entry all along.
        for (int day = 0; day < 40; day++) {
            clock.advance(Duration.ofDays(1));
            jobs.renewHeld();
        }
        assertThat(jobs.markQueued(queued)).isTrue();
        jobs.queued(queued);
        clock.advance(Duration.ofDays(3));
        jobs.renewHeld();
        assertThat(leases.tryAcquire(lease, "worker-a", TTL)).isTrue();

        expire();

        assertThat(jobs.add(sqsMessage("m-2"), running)).as("the running job keeps its entry").isFalse();
        assertThat(jobs.markQueued(queued)).as("the mark lasts its queued window").isFalse();
        assertThat(leases.tryAcquire(lease, "worker-b", TTL)).as("the lease is held").isFalse();
        assertThat(checkpoints.uploadsFor(bucket, "big.bin")).as("an upload's checkpoint lives as long as the upload")
                .extracting(Upload::uploadId).containsExactly("upload-" + unique);
    }

    // ---- jobs in flight ----

    @Test
    void a_live_job_is_a_duplicate_for_another_message_until_it_is_removed() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        String key = "job-" + unique;
        assertThat(jobs.add(exchange(), key)).isTrue();
        assertThat(jobs.add(exchange(), key)).isFalse();
        assertThat(jobs.add(key)).as("no exchange: a fresh owner").isFalse();
        assertThat(jobs.contains(key)).isTrue();
        assertThat(jobs.confirm(key)).isTrue();

        assertThat(jobs.remove(key)).isTrue();
        assertThat(jobs.contains(key)).isFalse();
        assertThat(jobs.remove(key)).isFalse();
        assertThat(jobs.add(exchange(), key)).as("a finished job's key can be taken again").isTrue();
    }

    @Test
    void an_expired_entry_is_taken_over_by_another_message() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        String key = "job-" + unique;
        assertThat(jobs.add(exchange(), key)).isTrue();
        clock.advance(TTL);
        assertThat(jobs.add(exchange(), key)).as("at the expiry instant it is still live").isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(jobs.contains(key)).isFalse();

        Exchange taker = exchange();
        assertThat(jobs.add(taker, key)).isTrue();
        assertThat(jobs.contains(key)).isTrue();
        assertThat(jobs.add(exchange(), key)).as("the new owner's entry is live").isFalse();
    }

    @Test
    void a_second_receive_of_the_same_sqs_message_waits_for_the_first_and_takes_over_only_once_it_expired() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        String key = "job-" + unique;
        Exchange first = sqsMessage("m-1");
        assertThat(jobs.add(first, key)).isTrue();
        clock.advance(Duration.ofSeconds(10));
        Exchange other = sqsMessage("m-2");
        assertThat(jobs.add(other, key)).as("another message is a duplicate").isFalse();
        assertThat(jobs.heldByAnotherReceive(other, key)).as("not this message's: a plain duplicate").isNull();

        Exchange again = sqsMessage("m-1");
        assertThat(jobs.add(again, key)).as("the same message received again while the first receive runs").isFalse();
        assertThat(jobs.heldByAnotherReceive(again, key)).as("look again once the first receive's entry would expire")
                .isNotNull();

        clock.advance(TTL); // the first receive's worker died: nothing renewed its entry
        Exchange later = sqsMessage("m-1");
        assertThat(jobs.add(later, key)).as("taken over once expired").isTrue();
        assertThat(jobs.remove(first, key)).as("the dead receive cannot release the entry it lost").isFalse();
        assertThat(jobs.contains(key)).isTrue();
        assertThat(jobs.remove(later, key)).as("the owner releases it").isTrue();
        assertThat(jobs.contains(key)).isFalse();
    }

    @Test
    void taking_back_a_queued_mark_or_forgetting_a_done_mark_never_removes_a_workers_claim() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        String key = "job-" + unique;
        assertThat(jobs.markQueued(key)).isTrue();
        assertThat(jobs.add(sqsMessage("m-1"), key)).as("a worker takes the queued job").isTrue();
        jobs.unmarkQueued(key);
        jobs.forgetDone(key);
        assertThat(jobs.contains(key)).as("the worker's claim stays").isTrue();
    }

    @Test
    void a_job_a_diff_marked_queued_is_not_queued_again_but_any_worker_takes_it() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        jobs.windows(Duration.ofHours(1), Duration.ofMinutes(10));
        String key = "job-" + unique;
        assertThat(jobs.markQueued(key)).as("first diff queues it").isTrue();
        jobs.queued(key);
        assertThat(jobs.markQueued(key)).as("a second diff does not").isFalse();
        clock.advance(TTL.plusSeconds(30));
        assertThat(jobs.markQueued(key)).as("the mark outlives the in-flight TTL: still queued").isFalse();
        assertThat(jobs.add(sqsMessage("m-1"), key)).as("the worker that receives it takes it over").isTrue();
        assertThat(jobs.add(sqsMessage("m-2"), key)).as("then it is in flight: a duplicate").isFalse();
        assertThat(jobs.markQueued(key)).as("nor queued again while in flight").isFalse();
        clock.advance(Duration.ofHours(2));
        assertThat(jobs.markQueued("lost-" + unique)).isTrue();
        jobs.queued("lost-" + unique);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(jobs.markQueued("lost-" + unique)).as("a mark whose message was lost expires").isTrue();
    }

    /** Found by ChaosTest: a worker killed mid-diff between the mark and the SendMessage. */
    @Test
    void a_mark_whose_job_never_reached_the_queue_lasts_only_the_in_flight_ttl() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        jobs.windows(Duration.ofHours(1), Duration.ofMinutes(10));
        String sent = "sent-" + unique;
        String unsent = "unsent-" + unique;
        String taken = "taken-" + unique;
        assertThat(jobs.markQueued(sent)).isTrue();
        jobs.queued(sent);
        assertThat(jobs.markQueued(unsent)).as("marked, then the diff's process dies before sending").isTrue();
        assertThat(jobs.markQueued(taken)).isTrue();
        assertThat(jobs.add(sqsMessage("m-1"), taken)).as("a worker received the job before the diff confirmed").isTrue();
        jobs.queued(taken);
        assertThat(jobs.markQueued(unsent)).as("within the in-flight TTL it counts as queued").isFalse();
        clock.advance(TTL.plusSeconds(1));
        assertThat(jobs.markQueued(unsent)).as("after it, the next diff queues the job nobody sent").isTrue();
        assertThat(jobs.markQueued(sent)).as("a job on the queue is not queued again").isFalse();
        assertThat(jobs.add(sqsMessage("m-2"), taken))
                .as("the late confirmation left the worker's claim alone: it expired with its worker").isTrue();
    }

    @Test
    void a_finished_job_drops_late_duplicates_for_the_done_window_only() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        jobs.windows(Duration.ofHours(1), Duration.ofMinutes(10));
        String key = "job-" + unique;
        assertThat(jobs.add(sqsMessage("m-1"), key)).isTrue();
        jobs.done(key);
        assertThat(jobs.add(sqsMessage("m-2"), key)).as("a late duplicate").isFalse();
        assertThat(jobs.add(sqsMessage("m-1"), key)).as("even the same message, redelivered after it was done").isFalse();
        assertThat(jobs.markQueued(key)).as("a diff right after the copy").isFalse();
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        assertThat(jobs.markQueued(key)).as("after the window the object may be queued again").isTrue();
    }

    @Test
    void the_background_renewal_pushes_forward_the_entries_this_process_holds_and_no_others() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        String key = "job-" + unique;
        String released = "released-" + unique;
        Exchange owner = exchange();
        assertThat(jobs.add(owner, key)).isTrue();
        assertThat(jobs.add(owner, released)).isTrue();
        assertThat(jobs.remove(owner, released)).isTrue();
        clock.advance(Duration.ofSeconds(50));
        jobs.renewHeld();
        assertThat(jobs.contains(released)).as("a released entry is not brought back").isFalse();
        clock.advance(Duration.ofSeconds(20));
        assertThat(jobs.add(exchange(), key)).as("past the first expiry, within the renewed one").isFalse();
        clock.advance(Duration.ofSeconds(41));
        assertThat(jobs.add(exchange(), key)).as("past the renewed expiry").isTrue();
    }

    @Test
    void the_process_holding_an_entry_keeps_it_alive_and_stops_after_removing_it() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        // No done window: a finished job's entry is deleted, so another worker can take the key.
        jobs.windows(Duration.ofHours(1), Duration.ZERO);
        String key = "job-" + unique;
        String removed = "removed-" + unique;
        String done = "done-" + unique;
        assertThat(jobs.add(exchange(), key)).isTrue();
        assertThat(jobs.add(exchange(), removed)).isTrue();
        assertThat(jobs.add(exchange(), done)).isTrue();
        assertThat(jobs.remove(removed)).isTrue();
        jobs.done(done);
        // A second worker takes both keys; only it may keep its entries alive.
        OwnedInFlightJobs second = inFlight(TTL);
        assertThat(second.add(exchange(), removed)).isTrue();
        assertThat(second.add(exchange(), done)).isTrue();
        clock.advance(Duration.ofSeconds(50));
        jobs.renewHeld();
        clock.advance(Duration.ofSeconds(20));
        assertThat(jobs.contains(key)).as("held and renewed").isTrue();
        assertThat(jobs.contains(removed)).as("removed here: this process no longer renews the key").isFalse();
        assertThat(jobs.contains(done)).as("done here: this process no longer renews the key").isFalse();
    }

    @Test
    void clear_removes_every_entry() {
        OwnedInFlightJobs jobs = inFlight(TTL);
        assertThat(jobs.add(exchange(), "a-" + unique)).isTrue();
        assertThat(jobs.add(exchange(), "b-" + unique)).isTrue();
        jobs.clear();
        assertThat(jobs.contains("a-" + unique)).isFalse();
        assertThat(jobs.add(exchange(), "b-" + unique)).isTrue();
    }

    @Test
    void of_many_workers_adding_one_job_at_once_exactly_one_wins() throws Exception {
        OwnedInFlightJobs jobs = inFlight(TTL);
        for (int round = 0; round < 20; round++) {
            String key = "race-" + unique + "-" + round;
            assertThat(race(() -> jobs.add(exchange(), key))).as(key).isEqualTo(1);
        }
    }

    @Test
    void of_many_workers_taking_over_one_expired_job_at_once_exactly_one_wins() throws Exception {
        OwnedInFlightJobs jobs = inFlight(TTL);
        List<String> keys = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            keys.add("expired-" + unique + "-" + round);
            assertThat(jobs.add(exchange(), keys.get(round))).isTrue();
        }
        clock.advance(TTL.plusSeconds(1));
        for (String key : keys) {
            assertThat(race(() -> jobs.add(exchange(), key))).as(key).isEqualTo(1);
        }
    }

    /** 8 threads run {@code attempt} at the same moment; returns how many got true. */
    static int race(Callable<Boolean> attempt) throws Exception {
        AtomicInteger winners = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(pool.submit(() -> {
                    go.await();
                    if (attempt.call()) {
                        winners.incrementAndGet();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return winners.get();
    }

    // ---- parts of uploads fanned out across workers ----

    @Test
    void a_fanned_out_upload_counts_each_part_once_and_keeps_the_latest_etag_of_a_part_sent_twice() {
        FannedOutParts parts = fannedOutParts();
        String upload = "upload-" + unique;
        FannedOutParts.Progress opened = parts.open(upload, 3);
        assertThat(opened).isEqualTo(new FannedOutParts.Progress(3, 0, false, null, null));
        assertThat(parts.record(upload, 2, "etag-2").recorded()).isEqualTo(1);
        assertThat(parts.record(upload, 2, "etag-2b").recorded()).as("the same part again").isEqualTo(1);
        parts.sent(upload);
        assertThat(parts.open(upload, 3)).as("a resumed job finds the record as it is")
                .isEqualTo(new FannedOutParts.Progress(3, 1, true, null, null));
        assertThat(parts.record(upload, 1, "etag-1").allRecorded()).isFalse();
        FannedOutParts.Progress last = parts.record(upload, 3, "etag-3");
        assertThat(last.recorded()).isEqualTo(3);
        assertThat(last.allRecorded()).isTrue();
        assertThat(parts.etags(upload)).containsExactly(Map.entry(1, "etag-1"), Map.entry(2, "etag-2b"),
                Map.entry(3, "etag-3"));
        assertThat(parts.progress("upload-never-" + unique)).isEmpty();
        assertThat(parts.record("upload-never-" + unique, 1, "e")).as("no such upload").isNull();

        parts.forget(upload);
        assertThat(parts.progress(upload)).isEmpty();
        assertThat(parts.etags(upload)).isEmpty();
        assertThat(parts.record(upload, 1, "late")).as("a part recorded after its upload ended").isNull();
        assertThat(parts.etags(upload)).isEmpty();
    }

    @Test
    void of_workers_recording_the_last_parts_at_once_exactly_one_claims_the_completion_and_ends_it_once()
            throws Exception {
        FannedOutParts parts = fannedOutParts();
        for (int round = 0; round < 5; round++) {
            String upload = "race-" + unique + "-" + round;
            parts.open(upload, 8);
            AtomicInteger part = new AtomicInteger();
            AtomicInteger worker = new AtomicInteger();
            // Each of 8 workers records one part and, if its record made the count whole, claims the completion.
            int claimed = race(() -> {
                int n = part.incrementAndGet();
                FannedOutParts.Progress after = parts.record(upload, n, "etag-" + n);
                return after.allRecorded() && parts.claimCompletion(upload, "worker-" + worker.incrementAndGet(), TTL);
            });
            assertThat(claimed).as(upload).isEqualTo(1);
            assertThat(parts.progress(upload).orElseThrow().recorded()).isEqualTo(8);
            assertThat(parts.etags(upload)).hasSize(8);
        }
        String upload = "ends-" + unique;
        parts.open(upload, 1);
        parts.record(upload, 1, "e");
        assertThat(parts.claimCompletion(upload, "a", TTL)).isTrue();
        assertThat(parts.finishCompletion(upload, "b", "not the holder")).isFalse();
        assertThat(parts.finishCompletion(upload, "a", "completed")).isTrue();
        assertThat(parts.finishCompletion(upload, "a", "twice")).isFalse();
        assertThat(parts.claimCompletion(upload, "b", TTL)).as("ended: nothing left to complete").isFalse();
        assertThat(parts.progress(upload).orElseThrow()).isEqualTo(new FannedOutParts.Progress(1, 1, false,
                "completed", null));
    }

    @Test
    void a_completion_claim_is_refused_before_every_part_is_in_renewed_by_its_holder_and_taken_over_once_it_expired() {
        FannedOutParts parts = fannedOutParts();
        String upload = "claim-" + unique;
        parts.open(upload, 2);
        parts.record(upload, 1, "e1");
        assertThat(parts.claimCompletion(upload, "a", TTL)).as("a part is missing").isFalse();
        parts.record(upload, 2, "e2");
        assertThat(parts.claimCompletion(upload, "a", TTL)).isTrue();
        assertThat(parts.progress(upload).orElseThrow().claimExpires()).isEqualTo(clock.instant().plus(TTL));
        clock.advance(Duration.ofSeconds(50));
        assertThat(parts.claimCompletion(upload, "a", TTL)).as("renewed by its holder").isTrue();
        clock.advance(Duration.ofSeconds(50));
        assertThat(parts.claimCompletion(upload, "b", TTL)).as("still live").isFalse();
        // The holder died: its claim lapses and the next worker completes.
        clock.advance(TTL);
        assertThat(parts.progress(upload).orElseThrow().claimExpires()).isNull();
        assertThat(parts.claimCompletion(upload, "b", TTL)).isTrue();
        assertThat(parts.finishCompletion(upload, "a", "from the dead holder")).isFalse();
        parts.releaseCompletion(upload, "a");
        assertThat(parts.claimCompletion(upload, "c", TTL)).as("a release by another owner is ignored").isFalse();
        parts.releaseCompletion(upload, "b");
        assertThat(parts.claimCompletion(upload, "c", TTL)).as("given up: free at once").isTrue();
    }

    @Test
    void a_failed_part_ends_an_upload_only_while_parts_are_missing_and_a_new_attempt_reopens_it() {
        FannedOutParts parts = fannedOutParts();
        String upload = "fail-" + unique;
        parts.open(upload, 2);
        parts.record(upload, 1, "e1");
        parts.sent(upload);
        assertThat(parts.fail(upload, "source changed")).isTrue();
        assertThat(parts.fail(upload, "another failure")).as("one end").isFalse();
        assertThat(parts.progress(upload).orElseThrow().result()).isEqualTo("source changed");

        parts.reopen(upload, "some other end");
        assertThat(parts.progress(upload).orElseThrow().result()).as("only the end it read").isEqualTo("source changed");
        parts.reopen(upload, "source changed");
        assertThat(parts.progress(upload).orElseThrow()).as("parts kept, part jobs to be sent again")
                .isEqualTo(new FannedOutParts.Progress(2, 1, false, null, null));

        parts.record(upload, 2, "e2");
        assertThat(parts.fail(upload, "a late duplicate failed")).as("every part is in: it can still complete").isFalse();
        assertThat(parts.fail("fail-never-" + unique, "x")).isFalse();
    }

    @Test
    void fanned_out_records_left_by_a_crash_expire_a_retention_after_their_last_write() {
        FannedOutParts parts = fannedOutParts();
        String old = "old-" + unique;
        String live = "live-" + unique;
        parts.open(old, 2);
        parts.record(old, 1, "e1");
        parts.open(live, 2);
        clock.advance(Duration.ofDays(20));
        parts.record(live, 1, "e1");
        clock.advance(Duration.ofDays(10).plusMinutes(1));

        expire();

        assertThat(parts.progress(old)).isEmpty();
        assertThat(parts.etags(old)).isEmpty();
        assertThat(parts.progress(live)).as("written 10 days ago").isPresent();
        assertThat(parts.etags(live)).containsOnlyKeys(1);
    }

    // ---- leases ----

    @Test
    void a_live_lease_is_refused_to_a_second_owner_and_granted_after_it_expires() {
        Leases leases = leases();
        String diff = "diff#" + unique;
        assertThat(leases.tryAcquire(diff, "worker-a", TTL)).isTrue();
        assertThat(leases.tryAcquire(diff, "worker-b", TTL)).isFalse();
        assertThat(leases.tryAcquire("diff#other-" + unique, "worker-b", TTL)).as("another lease").isTrue();
        clock.advance(TTL.plusSeconds(1));
        assertThat(leases.tryAcquire(diff, "worker-b", TTL)).isTrue();
        assertThat(leases.tryAcquire(diff, "worker-a", TTL)).isFalse();
    }

    @Test
    void the_holder_renews_its_lease_by_acquiring_it_again() {
        Leases leases = leases();
        String diff = "diff#" + unique;
        assertThat(leases.tryAcquire(diff, "worker-a", TTL)).isTrue();
        clock.advance(Duration.ofSeconds(50));
        assertThat(leases.tryAcquire(diff, "worker-a", TTL)).isTrue();
        clock.advance(Duration.ofSeconds(20));
        assertThat(leases.tryAcquire(diff, "worker-b", TTL)).isFalse();
    }

    @Test
    void a_release_by_another_owner_is_ignored_and_the_holders_release_frees_the_lease() {
        Leases leases = leases();
        String diff = "diff#" + unique;
        assertThat(leases.tryAcquire(diff, "worker-a", TTL)).isTrue();
        leases.release(diff, "worker-b");
        assertThat(leases.tryAcquire(diff, "worker-b", TTL)).isFalse();
        leases.release(diff, "worker-a");
        assertThat(leases.tryAcquire(diff, "worker-b", TTL)).isTrue();
    }

    @Test
    void of_many_replicas_firing_the_same_schedule_exactly_one_gets_the_lease() throws Exception {
        Leases leases = leases();
        for (int round = 0; round < 10; round++) {
            String diff = "diff#" + unique + "-" + round;
            AtomicInteger replica = new AtomicInteger();
            assertThat(race(() -> leases.tryAcquire(diff, "replica-" + replica.incrementAndGet(), TTL)))
                    .as(diff).isEqualTo(1);
        }
    }
}
