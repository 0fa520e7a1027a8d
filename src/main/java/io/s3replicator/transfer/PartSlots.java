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
    /**
     * Part jobs of fanned-out uploads admitted here and not yet ended: as many as there are slots
     * moving and as many again waiting, the next ones ready to go.
     */
    private final AtomicInteger admitted = new AtomicInteger();

    public PartSlots(int size) {
        this.size = size;
        this.slots = new Semaphore(size);
    }

    /**
     * Waits for a slot. Only ever on a part thread: those are as many as the slots, so a thread
     * holding a slot is always running, and a slot taken by a job still queued could stall them all.
     */
    void take() {
        slots.acquireUninterruptibly();
    }

    /** Room to admit one more part job here (twice as many as there are slots): then true, and it counts. */
    boolean tryAdmit() {
        return admitted.getAndUpdate(n -> n < 2 * size ? n + 1 : n) < 2 * size;
    }

    /** Admits one more part job, room or not. */
    void admitAnyway() {
        admitted.incrementAndGet();
    }

    /** An admitted part job ended. */
    void leave() {
        admitted.decrementAndGet();
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
