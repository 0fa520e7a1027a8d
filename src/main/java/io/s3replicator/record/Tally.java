package io.s3replicator.record;

import io.micrometer.core.instrument.Counter;

import java.util.concurrent.atomic.LongAdder;

/**
 * A run's counter that also feeds a process-wide Micrometer counter, so the diff code keeps
 * its plain {@link LongAdder} calls and the metrics stay live while a diff is listing
 * (per-run tallies are forgotten with their run; the Micrometer counter is monotonic).
 */
final class Tally extends LongAdder {
    private final transient Counter counter;

    Tally(Counter counter) {
        this.counter = counter;
    }

    @Override
    public void add(long x) {
        super.add(x);
        counter.increment(x);
    }

    @Override
    public void increment() {
        add(1L);
    }
}
