package io.s3replicator.state.dynamodb;

import io.s3replicator.state.InFlightJobs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementError;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchStatementResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static io.s3replicator.state.dynamodb.DynamoDbOwnedEntries.EXPIRES_AT;
import static io.s3replicator.state.dynamodb.DynamoDbOwnedEntries.OWNER;
import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * Conditional claims of jobs from many threads gathered into PartiQL BatchExecuteStatement requests
 * (25 statements): the claims of one receive of ten messages cost one request, not ten PutItems,
 * and each statement is still billed as one ordinary write (a transaction would cost two units an
 * item and fail whole on one refused claim). A group commit: a claim goes out at once when no request
 * is being sent, and the claims that arrive meanwhile share the next one.
 *
 * <p>PartiQL has no conditional upsert, so a claim is an UPDATE (the item exists: it is taken if
 * expired, already this owner's, or only a diff's queued mark) or an INSERT (no item yet: it fails
 * if another claimant inserted first), the likely one first: an UPDATE for a job a diff queued (its
 * mark is there), an INSERT for any other. An UPDATE refused with the item returned is a live claim
 * of someone else: refused for good; refused with no item, the INSERT follows. An INSERT that finds
 * an item goes to the UPDATE, as the item may be a queued mark or an expired claim.
 */
public final class DynamoDbGroupClaims implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbGroupClaims.class);
    /** Statements a BatchExecuteStatement takes. */
    private static final int BATCH = 25;
    /** Rounds of UPDATE / INSERT one claim may take before it is reported as failed. */
    private static final int MAX_ROUNDS = 8;
    /** Statement errors worth another try: capacity, throttling, a concurrent transaction, a server fault. */
    private static final Set<String> RETRYABLE = Set.of("RequestLimitExceeded", "ProvisionedThroughputExceeded",
            "ThrottlingError", "TransactionConflict", "InternalServerError");

    private final DynamoDbClient client;
    private final Deque<Claim> pending = new ArrayDeque<>();
    private final Thread flusher;
    /** The credentials may not run PartiQL (a role written before claims were batched): claim one by one. */
    private volatile boolean refused;
    private boolean closed;

    /** One claim: the item's key, who claims it, until when (epoch seconds) and the time of the condition. */
    private static final class Claim {
        final String table;
        final Map<String, AttributeValue> key;
        final String owner;
        final long expiresAt;
        final long nowSeconds;
        final CompletableFuture<Boolean> result = new CompletableFuture<>();
        /** The next statement is an INSERT (no item expected, or an UPDATE found none), else an UPDATE. */
        boolean insert;
        int rounds;

        Claim(String table, Map<String, AttributeValue> key, String owner, long expiresAt, long nowSeconds,
              boolean insert) {
            this.insert = insert;
            this.table = table;
            this.key = key;
            this.owner = owner;
            this.expiresAt = expiresAt;
            this.nowSeconds = nowSeconds;
        }
    }

    public DynamoDbGroupClaims(DynamoDbClient client) {
        this.client = client;
        this.flusher = new Thread(this::run, "dynamodb-group-claims");
        flusher.setDaemon(true);
        flusher.start();
    }

    /**
     * Whether {@code owner} took the item {@code key} of {@code table}, as {@link DynamoDbOwnedEntries#claim}
     * says; waits for the batch it joins.
     *
     * @param itemLikely an item is likely there (a diff's queued mark): UPDATE first, else INSERT first
     */
    boolean claim(String table, Map<String, AttributeValue> key, String owner, long expiresAt, long nowSeconds,
                  boolean itemLikely) {
        Claim claim = new Claim(table, key, owner, expiresAt, nowSeconds, !itemLikely);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the state store is closed");
            }
            enqueue(claim);
        }
        try {
            return claim.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while claiming a job", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private void enqueue(Claim claim) {
        pending.add(claim);
        notifyAll();
    }

    /** The flusher: whatever ends it (an interrupt, an Error) fails every claim still waiting, never leaves one hanging. */
    private void run() {
        List<Claim> batch = new ArrayList<>();
        try {
            flush(batch);
        } catch (Throwable t) {
            batch.forEach(c -> c.result.completeExceptionally(t));
            throw t;
        } finally {
            synchronized (this) {
                closed = true;
                IllegalStateException stopped = new IllegalStateException("the state store's claim writer stopped");
                pending.forEach(c -> c.result.completeExceptionally(stopped));
                pending.clear();
            }
        }
    }

    private void flush(List<Claim> batch) {
        while (true) {
            batch.clear();
            synchronized (this) {
                try {
                    while (!closed && pending.isEmpty()) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (pending.isEmpty()) {
                    return; // closed and drained
                }
                // One statement per item a request (DynamoDB refuses a batch naming an item twice): a second
                // claim of the same item waits for the next batch, and then sees the first one's result.
                Set<List<Object>> items = new HashSet<>();
                Deque<Claim> later = new ArrayDeque<>();
                while (batch.size() < BATCH && !pending.isEmpty()) {
                    Claim c = pending.poll();
                    (items.add(List.of(c.table, c.key)) ? batch : later).add(c);
                }
                while (!later.isEmpty()) {
                    pending.addFirst(later.pollLast());
                }
            }
            send(batch);
        }
    }

    private void send(List<Claim> batch) {
        List<BatchStatementRequest> statements = new ArrayList<>();
        for (Claim c : batch) {
            statements.add(c.insert ? insert(c) : update(c));
        }
        List<BatchStatementResponse> responses;
        try {
            responses = client.batchExecuteStatement(b -> b.statements(statements)).responses();
        } catch (DynamoDbException e) {
            if (e.awsErrorDetails() != null && "AccessDeniedException".equals(e.awsErrorDetails().errorCode())) {
                if (!refused) {
                    refused = true;
                    LOG.warn("the state store's credentials may not run PartiQL statements (dynamodb:PartiQLUpdate and"
                            + " dynamodb:PartiQLInsert on the in-flight table): each job's claim is a PutItem of its own"
                            + " instead of sharing a request ({})", e.awsErrorDetails().errorMessage());
                }
                batch.forEach(c -> c.result.completeExceptionally(new Refused()));
            } else {
                batch.forEach(c -> c.result.completeExceptionally(e));
            }
            return;
        } catch (RuntimeException e) {
            batch.forEach(c -> c.result.completeExceptionally(e));
            return;
        }
        List<Claim> again = new ArrayList<>();
        boolean throttled = false;
        for (int i = 0; i < batch.size(); i++) {
            Claim c = batch.get(i);
            if (i >= responses.size()) {
                again.add(c); // no answer for it: not taken, ask again
                continue;
            }
            BatchStatementError error = responses.get(i).error();
            if (error == null) {
                c.result.complete(true);
            } else if ("ConditionalCheckFailed".equals(error.codeAsString()) && !c.insert) {
                if (error.hasItem() && !error.item().isEmpty()) {
                    c.result.complete(false); // held by another live claim
                } else {
                    c.insert = true; // no item yet
                    again.add(c);
                }
            } else if ("DuplicateItem".equals(error.codeAsString()) && c.insert) {
                c.insert = false; // inserted by someone else since: its condition decides
                again.add(c);
            } else if (RETRYABLE.contains(error.codeAsString())) {
                throttled = true;
                again.add(c);
            } else {
                c.result.completeExceptionally(new IllegalStateException("DynamoDB refused a claim: "
                        + error.codeAsString() + ": " + error.message()));
            }
        }
        if (again.isEmpty()) {
            return;
        }
        if (throttled) {
            try {
                Thread.sleep(Math.min(1_000, 25L << again.get(0).rounds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            for (Claim c : again) {
                if (++c.rounds > MAX_ROUNDS) {
                    c.result.completeExceptionally(new IllegalStateException(
                            "DynamoDB kept refusing a claim (throttled, or contended by other claimants)"));
                } else {
                    enqueue(c);
                }
            }
        }
    }

    /** Whether claims should be written one by one: the credentials may not run PartiQL. */
    boolean refused() {
        return refused;
    }

    /** The claim was not tried: the credentials may not run PartiQL; the caller claims it on its own. */
    static final class Refused extends RuntimeException {
        Refused() {
            super("PartiQL refused", null, false, false);
        }
    }

    private static BatchStatementRequest update(Claim c) {
        StringBuilder where = new StringBuilder();
        List<AttributeValue> parameters = new ArrayList<>(List.of(s(c.owner), n(c.expiresAt)));
        c.key.forEach((name, value) -> {
            where.append(quoted(name)).append(" = ? AND ");
            parameters.add(value);
        });
        where.append('(').append(quoted(EXPIRES_AT)).append(" < ? OR ").append(quoted(OWNER)).append(" = ? OR ")
                .append(quoted(OWNER)).append(" = ?)");
        parameters.addAll(List.of(n(c.nowSeconds), s(c.owner), s(InFlightJobs.QUEUED)));
        return BatchStatementRequest.builder()
                .statement("UPDATE " + quoted(c.table) + " SET " + quoted(OWNER) + " = ? SET " + quoted(EXPIRES_AT)
                        + " = ? WHERE " + where)
                .parameters(parameters)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static BatchStatementRequest insert(Claim c) {
        StringBuilder value = new StringBuilder("{");
        List<AttributeValue> parameters = new ArrayList<>();
        c.key.forEach((name, v) -> {
            value.append('\'').append(name).append("': ?, ");
            parameters.add(v);
        });
        value.append('\'').append(OWNER).append("': ?, '").append(EXPIRES_AT).append("': ?}");
        parameters.addAll(List.of(s(c.owner), n(c.expiresAt)));
        return BatchStatementRequest.builder()
                .statement("INSERT INTO " + quoted(c.table) + " VALUE " + value)
                .parameters(parameters)
                .build();
    }

    private static String quoted(String name) {
        return '"' + name + '"';
    }

    /** Sends what is pending, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            flusher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
