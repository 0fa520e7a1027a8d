package io.s3replicator.state;

import java.time.Duration;

/**
 * Named leases with an owner and an expiry, so that of N replicas firing the same schedule
 * only one runs the diff of a pair at a time. A holder that dies loses its lease when it
 * expires; a live holder renews by acquiring again.
 */
public interface Leases {
    /** True if the lease was free, expired, or already {@code owner}'s (then it is renewed for {@code ttl}). */
    boolean tryAcquire(String name, String owner, Duration ttl);

    /** Gives the lease up, only if {@code owner} holds it. */
    void release(String name, String owner);
}
