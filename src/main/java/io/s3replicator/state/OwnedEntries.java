package io.s3replicator.state;

/**
 * Named entries with an owner and an expiry, decided by the store (a conditional write), so
 * of many processes exactly one wins a claim: the mechanics jobs in flight and leases share,
 * on JDBC ({@link JdbcOwnedEntries}) and DynamoDB ({@link DynamoDbOwnedEntries}).
 */
public interface OwnedEntries {
    /** Takes the entry if absent, expired, already {@code owner}'s, or only marked {@link InFlightJobs#QUEUED}. */
    boolean claim(String id, String owner, long ttlMillis);

    /**
     * As {@link #claim(String, String, long)}, told whether an entry is likely there already (a diff's
     * queued mark): a store that cannot take a conditional upsert in a batch tries the likely write
     * first (DynamoDB, {@code DynamoDbGroupClaims}). The outcome is the same either way.
     */
    default boolean claim(String id, String owner, long ttlMillis, boolean entryLikely) {
        return claim(id, owner, ttlMillis);
    }

    /** Takes the entry only if absent or expired, whoever held it. */
    boolean claimFree(String id, String owner, long ttlMillis);

    /** Hands the entry to {@code owner} for {@code ttlMillis}, whatever it held. */
    void set(String id, String owner, long ttlMillis);

    /** A live entry: who holds it and until when (epoch millis). */
    record Holder(String owner, long expiresAt) {
    }

    /** The live entry's holder, or null when there is none or it has expired. */
    Holder holder(String id);

    /** True if a live entry exists, whoever owns it. */
    default boolean isLive(String id) {
        return holder(id) != null;
    }

    /** Sets the expiry of the entry to {@code ttlMillis} from now only while {@code owner} holds it. */
    boolean renewIfOwner(String id, String owner, long ttlMillis);

    /** The ids among {@code ids} with a live entry, whoever owns it. */
    default java.util.Set<String> liveAmong(java.util.Collection<String> ids) {
        java.util.Set<String> live = new java.util.HashSet<>();
        for (String id : ids) {
            if (isLive(id)) {
                live.add(id);
            }
        }
        return live;
    }

    /** {@link #claim} of many ids for one owner (a store with transactions makes it few requests). */
    default void claimAll(java.util.Collection<String> ids, String owner, long ttlMillis) {
        for (String id : ids) {
            claim(id, owner, ttlMillis);
        }
    }

    /** {@link #set}, possibly gathered with other writes into a batch; the future completes once written. */
    default java.util.concurrent.CompletableFuture<Void> setLater(String id, String owner, long ttlMillis) {
        set(id, owner, ttlMillis);
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    boolean delete(String id);

    boolean deleteIfOwner(String id, String owner);
}
