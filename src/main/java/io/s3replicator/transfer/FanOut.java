package io.s3replicator.transfer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3replicator.config.PairRegistry;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.Job;
import io.s3replicator.model.PoisonMessageException;
import io.s3replicator.queue.JobCodec;
import io.s3replicator.queue.JobQueue;
import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.FannedOutParts.Progress;
import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.Sha256;
import io.s3replicator.state.JobResult.Outcome;
import io.s3replicator.store.S3Errors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One large object's parts moved by many workers (README, "Many workers", Large objects across workers).
 *
 * <ul>
 *   <li>The worker that takes the object's job plans and creates (or resumes) the upload as
 *       {@link MultipartCopier} always does, registers it in {@link FannedOutParts}, and puts one job per part
 *       on the queue ({@link #open}, then the fan-out route's batch sends). Its job then waits, holding
 *       no thread ({@link #poll}), until the upload has an end, and records that end as the job's one
 *       outcome.</li>
 *   <li>Any worker with room for a part job admits it ({@link #admit}; without room it hands the
 *       job back for another worker), moves the part pinned to the source ETag, and records its ETag
 *       ({@link #movePart}). The worker whose record makes the count whole claims the completion (a
 *       conditional write), completes and verifies as a single worker would, and records the end.</li>
 *   <li>A source that changed (412) ends the upload so; the waiting job then aborts it and re-plans
 *       the object. A completer that dies leaves an expiring claim: a part job received again, or the
 *       waiting job itself, completes instead.</li>
 * </ul>
 *
 * <p>Longer than 300 lines, not split yet: the object side (open, wait, end) and the part side
 * (slot, move, complete) share the completion and its claim; a split along that line is the next
 * step when the file changes again.
 */
public class FanOut {
    /** Exchange property of a part job: its {@link Job}. */
    static final String PART_JOB = "S3ReplicatorPartJob";
    /** Exchange property of a waiting object job: its {@link Wait}. */
    static final String WAIT = "S3ReplicatorFanOutWait";
    /** Exchange property: the object job's own record made every part present (resumed): it completes. */
    static final String COMPLETE_NOW = "S3ReplicatorFanOutCompleteNow";
    /** Messages per send request (SQS SendMessageBatch takes ten). */
    static final int BATCH = 10;
    /** Times a part job goes back to the queue for a worker with a free slot before it waits for one here. */
    static final int MAX_HAND_BACKS = 3;
    private static final Duration HAND_BACK_DELAY = Duration.ofSeconds(1);
    private static final long FIRST_POLL_MILLIS = 500;
    private static final long MAX_POLL_MILLIS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final MultipartCopier copier;
    private final FannedOutParts parts;
    private final InFlightJobs inFlight;
    private final JobQueue queue;
    private final PairRegistry pairs;
    private final PartSlots slots;
    private final long above;
    private final Duration claimTtl;
    private final Duration stall;
    private final ScheduledExecutorService renewals;
    private final Clock clock;

    /**
     * @param inFlight where a part job claims its part while it runs, as any job claims its object
     * @param above    objects larger than this fan out (bytes); 0: none does, but part jobs planned by other
     *                 workers are still moved here
     * @param claimTtl how long a completion claim outlives a completer that stopped renewing it
     * @param stall    no part recorded for this long while the object's job waits: the part jobs still missing
     *                 are sent again
     */
    public FanOut(MultipartCopier copier, FannedOutParts parts, InFlightJobs inFlight, JobQueue queue,
                  PairRegistry pairs, PartSlots slots, long above, Duration claimTtl, Duration stall,
                  ScheduledExecutorService renewals) {
        this.copier = copier;
        this.parts = parts;
        this.inFlight = inFlight;
        this.queue = queue;
        this.pairs = pairs;
        this.slots = slots;
        this.above = above;
        this.claimTtl = claimTtl;
        this.stall = stall;
        this.renewals = renewals;
        this.clock = Clock.systemUTC();
    }

    /** This upload's parts go to the queue for any worker. */
    boolean appliesTo(MultipartCopier.Upload u) {
        return above > 0 && u.plan.objectSize() > above && u.plan.partCount() > 1;
    }

    // ---- the object's job ----

    /** How long a waiting object job has seen its upload unchanged, and how often it looked. */
    static final class Wait {
        int recorded = -1;
        Instant changedAt;
        Instant allInSince;
        int polls;
    }

    /**
     * Registers the upload (or finds it registered by an earlier attempt), records the parts ListParts
     * found at the destination, and leaves as the body the part jobs of every part not there, ten JSON
     * messages a batch.
     */
    void open(Exchange exchange) {
        MultipartCopier.Upload u = exchange.getProperty(MultipartRoute.UPLOAD, MultipartCopier.Upload.class);
        Progress p = parts.open(u.uploadId, u.plan.partCount());
        if (p.result() != null && Result.of(p.result()).kind().equals(Result.DONE)) {
            // Completed after an earlier attempt of this job stopped: that end is this job's outcome.
            end(exchange, u, p.result());
            exchange.getIn().setBody(Collections.emptyIterator());
            return;
        }
        if (p.result() != null) {
            // An earlier attempt of this job ended in a failure: this one takes the upload over.
            parts.reopen(u.uploadId, p.result());
            p = parts.progress(u.uploadId).orElseThrow(() -> new IllegalStateException("the record of upload "
                    + u.uploadId + " vanished"));
        }
        SortedMap<Integer, String> recorded = p.recorded() == 0 ? new TreeMap<>() : new TreeMap<>(parts.etags(u.uploadId));
        for (var present : u.resumed.entrySet()) {
            // At the destination (ListParts): the truth, whatever was recorded.
            if (!present.getValue().equalsIgnoreCase(recorded.get(present.getKey()))) {
                p = parts.record(u.uploadId, present.getKey(), present.getValue());
                if (p == null) {
                    throw new IllegalStateException("the record of upload " + u.uploadId + " vanished");
                }
                recorded.put(present.getKey(), present.getValue());
            }
        }
        exchange.setProperty(COMPLETE_NOW, p.allRecorded());
        Wait wait = new Wait();
        wait.changedAt = clock.instant();
        exchange.setProperty(WAIT, wait);
        // Every part not at the destination (ListParts) goes to the queue, on a resumed job too: a part job
        // may have been lost since it was sent (to the DLQ, or dropped), and a record without its part at the
        // destination is no part. A duplicate of a part still moving is dropped by that part's claim.
        int missing = u.plan.partCount() - u.resumed.size();
        LOG.info("multipart fan-out of {}{}: {} part jobs on the queue for any worker ({} of {} parts in)", u.job.key(),
                p.sent() ? " resumed" : "", missing, u.resumed.size(), u.plan.partCount());
        exchange.getIn().setBody(batches(u, u.resumed.keySet()));
    }

    /** The JSON of the part jobs not in {@code done}, {@value #BATCH} a list, lazily. */
    private static Iterator<List<String>> batches(MultipartCopier.Upload u, Set<Integer> done) {
        Iterator<PartPlan.Part> missing = u.plan.remaining(Set.copyOf(done));
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return missing.hasNext();
            }

            @Override
            public List<String> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<String> batch = new ArrayList<>(BATCH);
                while (batch.size() < BATCH && missing.hasNext()) {
                    batch.add(JobCodec.toJson(u.job.withPart(MultipartCopier.part(u, missing.next().number()))));
                }
                return batch;
            }
        };
    }

    /** A batch the queue refused in part is a failure: the job is tried again and sends what is missing. */
    void checkSent(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof SendMessageBatchResponse r && r.hasFailed() && !r.failed().isEmpty()) {
            throw new IllegalStateException("the queue refused " + r.failed().size() + " part jobs: "
                    + r.failed().get(0).code() + ": " + r.failed().get(0).message());
        }
    }

    /** Every part job is on the queue; where this job's own records made the parts whole, it completes. */
    void sent(Exchange exchange) {
        MultipartCopier.Upload u = exchange.getProperty(MultipartRoute.UPLOAD, MultipartCopier.Upload.class);
        if (exchange.getProperty(TransferExchange.OUTCOME) != null) {
            return;
        }
        parts.sent(u.uploadId);
        if (Boolean.TRUE.equals(exchange.getProperty(COMPLETE_NOW))) {
            complete(u, "the job that planned it");
        }
    }

    /** The wait before the next look: half a second, doubling to five. */
    public long pollDelay(Exchange exchange) {
        Wait wait = exchange.getProperty(WAIT, Wait.class);
        return Math.min(MAX_POLL_MILLIS, FIRST_POLL_MILLIS << Math.min(wait.polls++, 10));
    }

    /**
     * One look at the upload's record: its end becomes the job's outcome (or a re-plan, or a failure).
     * Every part in and nobody completing for a claim's lifetime (the completer died, its part job is not
     * back yet): this job completes. No part recorded for the stall time: the missing part jobs are sent again.
     */
    void poll(Exchange exchange) {
        MultipartCopier.Upload u = exchange.getProperty(MultipartRoute.UPLOAD, MultipartCopier.Upload.class);
        if (exchange.getContext().isStopping()) {
            throw new IllegalStateException("worker stopping while the parts of " + u.job.key()
                    + " move elsewhere; the job resumes on its next receive");
        }
        Progress p = parts.progress(u.uploadId).orElseThrow(() -> new IllegalStateException(
                "the record of upload " + u.uploadId + " vanished; the job starts over"));
        if (p.result() != null) {
            end(exchange, u, p.result());
            return;
        }
        Wait wait = exchange.getProperty(WAIT, Wait.class);
        Instant now = clock.instant();
        if (p.recorded() != wait.recorded) {
            wait.recorded = p.recorded();
            wait.changedAt = now;
        }
        if (p.allRecorded() && p.claimExpires() == null) {
            if (wait.allInSince == null) {
                wait.allInSince = now;
            } else if (Duration.between(wait.allInSince, now).compareTo(claimTtl) > 0) {
                wait.allInSince = null;
                complete(u, "the job that planned it, as nobody else did");
            }
        } else {
            wait.allInSince = null;
        }
        if (!p.allRecorded() && Duration.between(wait.changedAt, now).compareTo(stall) > 0
                && parts.fail(u.uploadId, Result.failed("no part of " + u.job.key() + " recorded for "
                + stall.toSeconds() + " s: its part jobs are sent again", true).json())) {
            LOG.warn("no part of {} recorded for {} s; its missing part jobs go to the queue again", u.job.key(),
                    stall.toSeconds());
        }
    }

    /** The upload's end, consumed by its object job. */
    private void end(Exchange exchange, MultipartCopier.Upload u, String json) {
        Result r = Result.of(json);
        switch (r.kind()) {
            case Result.DONE -> {
                forgetQuietly(u);
                exchange.setProperty(TransferExchange.OUTCOME, r.toOutcome());
            }
            case Result.SOURCE_CHANGED -> {
                forgetQuietly(u);
                throw new SourceChangedException(u.job.key());
            }
            default -> {
                // Kept: the job's next attempt takes the upload over and sends the parts still missing.
                throw r.retry() ? new PartsFailedException(r.reason()) : new TransferException(r.reason());
            }
        }
    }

    private void forgetQuietly(MultipartCopier.Upload u) {
        try {
            parts.forget(u.uploadId);
        } catch (RuntimeException e) {
            // The records expire after the retention.
            LOG.debug("records of upload {} not forgotten: {}", u.uploadId, e.getMessage());
        }
    }

    /** A part failed for a reason another attempt of the whole job may cure. */
    static final class PartsFailedException extends RuntimeException {
        PartsFailedException(String message) {
            super(message);
        }
    }

    // ---- a part's job ----

    /** The exchange's body is a part job: parsed once, for {@link #admit}. */
    public static boolean isPartJob(Exchange exchange) {
        if (exchange.getIn().getBody() instanceof Job) {
            return false; // the in-memory queue: one process, nothing fanned out
        }
        String body = exchange.getIn().getBody(String.class);
        if (body == null || !body.contains("\"part\"")) {
            return false;
        }
        try {
            Job job = JobCodec.fromJson(body);
            if (job.part() == null) {
                return false;
            }
            exchange.setProperty(PART_JOB, job);
            return true;
        } catch (PoisonMessageException e) {
            return false; // the transfer route rejects it
        }
    }

    /**
     * Room here for this part job (as many admitted as twice the part slots: those moving and as many
     * waiting on the part threads' queue, their messages' visibility extended meanwhile); else the job goes
     * back to the queue (a new message, so no receive is used up) for a worker with room, at most
     * {@value #MAX_HAND_BACKS} times, after which it is admitted anyway. A worker receives ten messages at
     * once: without this, parts would wait in one worker's hands while others have nothing to do. Never
     * waits, and never takes a slot, on the consumer's thread.
     */
    public boolean admit(Exchange exchange) {
        // Admission only counts: the slot itself is taken on the part thread ({@link PartSlots#take}).
        if (slots.tryAdmit()) {
            return true;
        }
        Job job = exchange.getProperty(PART_JOB, Job.class);
        if (job.part().handedBack() < MAX_HAND_BACKS) {
            try {
                queue.requeue(exchange, JobCodec.toJson(job.withPart(job.part().handedBackOnce())), HAND_BACK_DELAY);
                return false;
            } catch (RuntimeException e) {
                LOG.debug("part job not handed back ({}); it waits for a slot here", e.getMessage());
            }
        }
        slots.admitAnyway();
        return true;
    }

    /**
     * Moves one part and records its ETag; the record that makes the parts whole completes the upload.
     * The part is claimed in the in-flight store while it moves, so a message SQS hands out twice never
     * sends one part twice at once. Ends the message itself whatever happens: finished, offered again
     * later, or left to come back when the state store could not be written.
     */
    public void movePart(Exchange exchange) {
        Job job = exchange.getProperty(PART_JOB, Job.class);
        slots.take();
        String claim = "part#" + Sha256.hex(job.part().uploadId(), String.valueOf(job.part().number()));
        boolean claimed = false;
        try {
            ReplicationPair pair;
            try {
                pair = pairs.get(job.pairId());
            } catch (PoisonMessageException e) {
                queue.reject(exchange, job.pairId(), e.getMessage());
                return;
            }
            claimed = inFlight.addNew(exchange, claim);
            if (!claimed) {
                Duration wait = inFlight.heldByAnotherReceive(exchange, claim);
                if (wait != null) {
                    // This message's earlier receive still moves the part: look again once its claim would expire.
                    queue.retryAfter(exchange, wait);
                } else {
                    LOG.debug("part {} of {}: another job of this part is moving it", job.part().number(), job.key());
                    queue.finished(exchange);
                }
                return;
            }
            MultipartCopier.Upload u = copier.partUpload(pair, job);
            try {
                move(exchange, u);
            } catch (RuntimeException e) {
                failed(exchange, u, e);
            }
        } catch (RuntimeException e) {
            // Not even the failure could be handled (the state store is unreachable): the message comes back.
            LOG.warn("part {} of {}: {}; the part job comes back after its visibility timeout", job.part().number(),
                    job.key(), S3Errors.describe(e));
        } finally {
            if (claimed) {
                try {
                    inFlight.remove(exchange, claim);
                } catch (RuntimeException e) {
                    LOG.debug("claim of part {} of {} not released (it expires): {}", job.part().number(), job.key(),
                            e.getMessage());
                }
            }
            slots.give();
            slots.leave();
        }
    }

    private void move(Exchange exchange, MultipartCopier.Upload u) {
        int number = u.job.part().number();
        String what = "part " + number + "/" + u.plan.partCount() + " of " + u.job.key();
        String etag = null;
        if (queue.isRedelivery(exchange)) {
            Optional<Progress> now = parts.progress(u.uploadId);
            if (now.isEmpty() || now.get().result() != null) {
                LOG.debug("{}: its upload has ended", what);
                queue.finished(exchange);
                return;
            }
            LOG.info("{} received again: the records and the destination say what is left of it", what);
            if (now.get().allRecorded()) {
                complete(u, "a part job received again");
                queue.finished(exchange);
                return;
            }
            etag = copier.partAtDestination(u, number);
            if (etag != null) {
                LOG.info("{} found at the destination, sent before its worker stopped", what);
            }
        }
        if (etag == null) {
            etag = copier.copyPart(u, u.plan.part(number)).eTag();
            LOG.info("{} sent (upload fanned out across workers)", what);
        }
        Progress after = parts.record(u.uploadId, number, etag);
        if (after == null) {
            LOG.debug("{}: its upload ended while the part moved", what);
        } else if (after.allRecorded() && after.result() == null) {
            complete(u, "the worker that recorded the last part");
        }
        queue.finished(exchange);
    }

    /** A part that cannot move now: offered again while receives remain, else the upload ends so. */
    private void failed(Exchange exchange, MultipartCopier.Upload u, RuntimeException failure) {
        Throwable e = failure; // thrown by the copier's own calls, never wrapped by a Camel split
        String what = "part " + u.job.part().number() + "/" + u.plan.partCount() + " of " + u.job.key();
        if (e instanceof SourceChangedException) {
            if (parts.fail(u.uploadId, Result.sourceChanged().json())) {
                LOG.info("{}: the source changed; the object's job aborts the upload and starts over", what);
            }
            queue.finished(exchange);
            return;
        }
        if (isNoSuchUpload(e)) {
            LOG.info("{}: its upload is gone (completed or aborted)", what);
            queue.finished(exchange);
            return;
        }
        String reason = S3Errors.describe(e);
        boolean again = Failures.isTransient(e);
        if (again && queue.canRetry(exchange)) {
            LOG.info("{} failed ({}); offered again later", what, reason);
            queue.retryLater(exchange);
            return;
        }
        if (parts.fail(u.uploadId, Result.failed(what + ": " + reason, again).json())) {
            LOG.warn("{} failed: {}; the object's job ends so{}", what, reason, again ? " and is tried again" : "");
        } else {
            // Every part is in (the failure was the completion's) or the upload already has an end.
            LOG.warn("{} failed: {}; the upload's end is left to its completion claim and the object's job",
                    what, reason);
        }
        queue.finished(exchange);
    }

    /**
     * Completes the upload if this worker wins the claim: the recorded ETags, sorted, all of them, then
     * the checks of a single worker's copy. The end is recorded for the object's job; a failure that
     * another attempt may cure gives the claim up for the next worker.
     */
    void complete(MultipartCopier.Upload u, String who) {
        String owner = UUID.randomUUID().toString();
        if (!parts.claimCompletion(u.uploadId, owner, claimTtl)) {
            return;
        }
        long every = Math.max(1, claimTtl.toMillis() / 3);
        ScheduledFuture<?> renewal = renewals.scheduleAtFixedRate(() -> renew(u, owner), every, every,
                TimeUnit.MILLISECONDS);
        try {
            SortedMap<Integer, String> etags = parts.etags(u.uploadId);
            Result end;
            if (etags.size() != u.plan.partCount() || etags.firstKey() != 1 || etags.lastKey() != u.plan.partCount()) {
                end = Result.failed("the records of upload " + u.uploadId + " hold " + etags.size() + " of "
                        + u.plan.partCount() + " parts", true);
            } else {
                end = completeUpload(u, etags);
            }
            if (parts.finishCompletion(u.uploadId, owner, end.json())) {
                LOG.info("upload of {} ({} parts) completed by {}: {}", u.job.key(), u.plan.partCount(), who,
                        end.kind().equals(Result.DONE) ? end.outcome() : end.reason());
            }
        } catch (RuntimeException e) {
            parts.releaseCompletion(u.uploadId, owner);
            throw e;
        } finally {
            renewal.cancel(false);
        }
    }

    private void renew(MultipartCopier.Upload u, String owner) {
        try {
            parts.claimCompletion(u.uploadId, owner, claimTtl);
        } catch (RuntimeException e) {
            LOG.debug("completion claim of {} not renewed: {}", u.job.key(), e.getMessage());
        }
    }

    /**
     * Every recorded part must be the one the destination holds (ListParts: the plan's size and the recorded
     * ETag) before CompleteMultipartUpload, whatever the store checks itself: a part that differs is never
     * completed; the object's job then tries again, and its resume records what ListParts finds.
     */
    private Result completeUpload(MultipartCopier.Upload u, SortedMap<Integer, String> etags) {
        List<CompletedPart> all = new ArrayList<>();
        etags.forEach((n, etag) -> all.add(CompletedPart.builder().partNumber(n).eTag(etag).build()));
        try {
            SortedMap<Integer, String> present = copier.partsAtDestination(u);
            List<Integer> differ = new ArrayList<>();
            etags.forEach((n, etag) -> {
                if (!etag.equalsIgnoreCase(present.get(n))) {
                    differ.add(n);
                }
            });
            if (!differ.isEmpty()) {
                return Result.failed("upload of " + u.job.key() + ": parts " + differ + " at the destination are"
                        + " missing or not the ones recorded", true);
            }
            return Result.done(copier.complete(u, all));
        } catch (TransferException e) {
            // An integrity check failed: the object is removed.
            return Result.failed(e.getMessage(), false);
        } catch (S3Exception e) {
            if (isNoSuchUpload(e)) {
                TransferOutcome earlier = copier.completedEarlier(u, etags.values());
                return earlier != null ? Result.done(earlier)
                        : Result.failed("upload of " + u.job.key() + " is gone before it completed", true);
            }
            if (e.statusCode() == 400 && String.valueOf(S3Errors.errorCode(e)).startsWith("InvalidPart")) {
                // A part's recorded ETag is not the one the store holds: the next attempt of the object's job
                // records ListParts' and completes.
                return Result.failed("upload of " + u.job.key() + ": " + S3Errors.describe(e), true);
            }
            throw e;
        }
    }

    private static boolean isNoSuchUpload(Throwable e) {
        return S3Errors.isNotFound(e) && "NoSuchUpload".equals(S3Errors.errorCode(e));
    }

    /** How a fanned-out upload ended, as recorded for its object's job. */
    record Result(String kind, Outcome outcome, String reason, long bytes, String path, String sourceEtag,
                  String destinationEtag, boolean retry) {
        static final String DONE = "done";
        static final String SOURCE_CHANGED = "source-changed";
        static final String FAILED = "failed";

        static Result done(TransferOutcome o) {
            return new Result(DONE, o.outcome(), o.reason(), o.bytes(), o.path(),
                    o.copy() == null ? null : o.copy().sourceEtag(), o.copy() == null ? null : o.copy().destinationEtag(),
                    false);
        }

        static Result sourceChanged() {
            return new Result(SOURCE_CHANGED, null, null, 0, null, null, null, true);
        }

        static Result failed(String reason, boolean retry) {
            String cut = reason == null ? "failed" : reason.length() <= 1000 ? reason : reason.substring(0, 1000) + "...";
            return new Result(FAILED, null, cut, 0, null, null, null, retry);
        }

        /** The outcome of the object's job. */
        TransferOutcome toOutcome() {
            return new TransferOutcome(outcome, reason, bytes, path,
                    sourceEtag == null && destinationEtag == null ? null
                            : new TransferOutcome.Copy(sourceEtag, destinationEtag));
        }

        String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        static Result of(String json) {
            try {
                return JSON.readValue(json, Result.class);
            } catch (JsonProcessingException e) {
                return failed("unreadable end of a fanned-out upload: " + json, true);
            }
        }
    }
}
