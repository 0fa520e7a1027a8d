package io.s3replicator.discover;

import io.s3replicator.state.Leases;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One diff per pair at a time (issue: never lose user data, item 5): a lease is re-entrant for
 * its holder (the Leases contract, StateContract), so a schedule shorter than a diff used to start
 * the pair's next diff in the same worker while the last one ran, re-listing both buckets.
 */
class DiffGuardTest {

    /** Leases as the state stores implement them: free, expired, or already the owner's. */
    static final class ReentrantLeases implements Leases {
        final Map<String, String> holders = new HashMap<>();

        @Override
        public synchronized boolean tryAcquire(String name, String owner, Duration ttl) {
            String holder = holders.putIfAbsent(name, owner);
            return holder == null || holder.equals(owner);
        }

        @Override
        public synchronized void release(String name, String owner) {
            holders.remove(name, owner);
        }
    }

    @Test
    void a_second_diff_of_a_pair_is_not_started_in_the_process_that_runs_the_first() {
        try (DiffGuard guard = new DiffGuard(new ReentrantLeases(), null, Duration.ofMinutes(5))) {
            assertThat(guard.acquire("p")).isTrue();
            assertThat(guard.acquire("p")).as("the same pair while its diff runs").isFalse();
            assertThat(guard.acquire("q")).as("another pair").isTrue();
            guard.release("p");
            assertThat(guard.acquire("p")).as("after the first diff ended").isTrue();
        }
    }

    @Test
    void on_one_machine_too_a_pair_is_diffed_once_at_a_time() {
        try (DiffGuard guard = DiffGuard.none()) {
            assertThat(guard.acquire("p")).isTrue();
            assertThat(guard.acquire("p")).isFalse();
            guard.release("p");
            assertThat(guard.acquire("p")).isTrue();
        }
    }
}
