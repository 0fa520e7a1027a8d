package io.s3replicator.transfer;

import java.util.concurrent.Semaphore;

/**
 * The parts this process moves at once (s3replicator.transfer.parts-in-flight), whether they belong to an
 * object it copies itself or to one fanned out across workers: what bounds relayed part data in memory.
 */
public final class PartSlots {
    private final Semaphore slots;
    private final int size;

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

    void give() {
        slots.release();
    }

    /** Parts moving now. */
    public int inUse() {
        return size - slots.availablePermits();
    }
}
