package io.s3replicator.transfer;

import io.s3replicator.config.ReplicationPair;

import java.util.HashSet;
import java.util.Set;

/**
 * One job per destination key at a time in this process: a second job for a key that is being
 * written waits until the first has ended, so two versions never copy side by side (the slower,
 * older one landing last) and no job aborts the multipart upload of another live job. Jobs of
 * other keys are not held up. A monitor over the set of busy keys: the waits are short next to
 * the copies they wait for.
 */
public final class DestinationKeyLocks {
    private final Set<String> busy = new HashSet<>();

    /** The lock name of a pair's destination key (endpoint, bucket and key). */
    public static String keyOf(ReplicationPair pair, String destinationKey) {
        return pair.destination().endpoint().describe() + "\n" + pair.destination().bucket() + "\n" + destinationKey;
    }

    /** Whether a job of this process is writing the key now. */
    public synchronized boolean isHeld(String key) {
        return busy.contains(key);
    }

    /**
     * Waits until no other job of this process writes {@code key}, then holds it.
     *
     * @return true if it had to wait: the key may have been written meanwhile
     */
    public synchronized boolean acquire(String key) throws InterruptedException {
        boolean waited = false;
        while (busy.contains(key)) {
            waited = true;
            wait();
        }
        busy.add(key);
        return waited;
    }

    public synchronized void release(String key) {
        if (busy.remove(key)) {
            notifyAll();
        }
    }

}
