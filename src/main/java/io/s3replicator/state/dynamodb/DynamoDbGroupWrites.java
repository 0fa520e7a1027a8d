package io.s3replicator.state.dynamodb;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Unconditional puts from many threads gathered into BatchWriteItem requests (25 items, any
 * tables): a put waits at most {@code linger} for others to join it. Each put's future completes
 * when its item is written, so a caller can hold back what must follow it (deleting the job's
 * message). Two puts of one key in a batch keep the later one, as two PutItems would.
 */
public final class DynamoDbGroupWrites implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbGroupWrites.class);
    private static final int BATCH = 25;

    private final DynamoDbClient client;
    private final long lingerNanos;
    private final Map<TableKey, Pending> pending = new LinkedHashMap<>();
    private final Thread flusher;
    private long firstAt;
    private boolean closed;

    private record TableKey(String table, Map<String, AttributeValue> key) {
    }

    private record Pending(Map<String, AttributeValue> item, List<CompletableFuture<Void>> waiting) {
    }

    public DynamoDbGroupWrites(DynamoDbClient client, Duration linger) {
        this.client = client;
        this.lingerNanos = linger.toNanos();
        this.flusher = new Thread(this::run, "dynamodb-group-writes");
        flusher.setDaemon(true);
        flusher.start();
    }

    /** @param key the item's key attributes (to keep one put per key in a batch) */
    CompletableFuture<Void> put(String table, Map<String, AttributeValue> key, Map<String, AttributeValue> item) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the state store is closed");
            }
            if (pending.isEmpty()) {
                firstAt = System.nanoTime();
            }
            Pending earlier = pending.remove(new TableKey(table, key));
            List<CompletableFuture<Void>> waiting = earlier == null ? new ArrayList<>() : earlier.waiting();
            waiting.add(written);
            pending.put(new TableKey(table, key), new Pending(item, waiting));
            notifyAll();
        }
        return written;
    }

    private void run() {
        while (true) {
            Map<TableKey, Pending> batch;
            synchronized (this) {
                try {
                    while (!closed && (pending.isEmpty()
                            || (pending.size() < BATCH && System.nanoTime() - firstAt < lingerNanos))) {
                        long waitNanos = pending.isEmpty() ? 0 : lingerNanos - (System.nanoTime() - firstAt);
                        if (pending.isEmpty()) {
                            wait();
                        } else {
                            wait(Math.max(1, waitNanos / 1_000_000));
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (pending.isEmpty()) {
                    return; // closed and drained
                }
                batch = new LinkedHashMap<>();
                var it = pending.entrySet().iterator();
                while (batch.size() < BATCH && it.hasNext()) {
                    var e = it.next();
                    batch.put(e.getKey(), e.getValue());
                    it.remove();
                }
                firstAt = System.nanoTime();
            }
            write(batch);
        }
    }

    private void write(Map<TableKey, Pending> batch) {
        Map<String, List<WriteRequest>> requests = new HashMap<>();
        batch.forEach((k, p) -> requests.computeIfAbsent(k.table(), t -> new ArrayList<>())
                .add(WriteRequest.builder().putRequest(PutRequest.builder().item(p.item()).build()).build()));
        try {
            Map<String, List<WriteRequest>> left = requests;
            for (int attempt = 0; !left.isEmpty(); attempt++) {
                if (attempt > 0) {
                    Thread.sleep(Math.min(2000, 50L << Math.min(attempt, 6)));
                }
                if (attempt > 20) {
                    throw new IllegalStateException("DynamoDB kept refusing a batch of writes");
                }
                Map<String, List<WriteRequest>> request = left;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request));
                left = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            }
            batch.values().forEach(p -> p.waiting().forEach(f -> f.complete(null)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            batch.values().forEach(p -> p.waiting().forEach(f -> f.completeExceptionally(e)));
        } catch (RuntimeException e) {
            LOG.warn("a batch of {} state writes failed: {}", batch.size(), e.getMessage());
            batch.values().forEach(p -> p.waiting().forEach(f -> f.completeExceptionally(e)));
        }
    }

    /** Writes what is pending, then stops. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            firstAt = 0;
            notifyAll();
        }
        try {
            flusher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
