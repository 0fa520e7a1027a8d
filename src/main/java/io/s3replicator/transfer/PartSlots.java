package io.s3replicator.transfer;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The parts this process moves at once (s3replicator.transfer.parts-in-flight), whether they belong to an
 * object it copies itself or to one fanned out across workers: what bounds relayed part data in memory.
 */
public final class PartSlots {
    private final Semaphore slots;
    private final int size;
    /** Part jobs this process keeps waiting for a slot (one slot's worth each): the next ones ready to go. */
    private final AtomicInteger waiting = new AtomicInteger();

    public PartSlots(int size) {
        this.size = size;
        this.slots = new Semaphore(size);
    }

    /** A slot if one is free now. */
    boolean tryTake() {
        return slots.tryAcquire();
    }

    /** Waits for a slot. */
    void take() {
        slots.acquireUninterruptibly();
    }

    /** Room to keep one more part job waiting here (as many as there are slots): then true, and it counts. */
    boolean tryWait() {
        return waiting.getAndUpdate(n -> n < size ? n + 1 : n) < size;
    }

    /** Counts one more part job waiting here, room or not. */
    void waitAnyway() {
        waiting.incrementAndGet();
    }

    /** A waiting part job got its slot. */
    void takeWaiting() {
        take();
        waiting.decrementAndGet();
    }

    void give() {
        slots.release();
    }

    public int size() {
        return size;
    }

    /** Parts moving now. */
    public int inUse() {
        return size - slots.availablePermits();
    }
}
