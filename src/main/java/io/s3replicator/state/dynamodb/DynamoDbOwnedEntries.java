package io.s3replicator.state.dynamodb;

import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.OwnedEntries;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Function;

import static io.s3replicator.state.dynamodb.DynamoDbValues.n;
import static io.s3replicator.state.dynamodb.DynamoDbValues.s;

/**
 * DynamoDB items with an owner and an expiry, written with conditional writes: the shared
 * mechanics of {@link DynamoDbInFlightJobs} and {@link DynamoDbLeases}.
 *
 * <p>{@code expiresAt} is epoch seconds, the unit DynamoDB TTL reads, so a table with TTL on it
 * eventually deletes dead entries. TTL deletion is lazy (often hours late), so every claim
 * checks the expiry itself in its condition.
 */
final class DynamoDbOwnedEntries implements OwnedEntries {
    static final String OWNER = "owner";
    static final String EXPIRES_AT = "expiresAt";

    private final DynamoDbClient client;
    private final String table;
    private final Function<String, Map<String, AttributeValue>> keyOf;
    /** A key attribute, to tell "no item" in conditions. */
    private final String keyAttribute;
    private final Clock clock;
    private final DynamoDbGroupWrites writes;
    private DynamoDbGroupClaims claims;

    DynamoDbOwnedEntries(DynamoDbClient client, String table, Function<String, Map<String, AttributeValue>> keyOf,
                         String keyAttribute, Clock clock) {
        this(client, table, keyOf, keyAttribute, clock, null);
    }

    /** @param writes where {@link #setLater} gathers its puts into batch writes; null to write each at once */
    DynamoDbOwnedEntries(DynamoDbClient client, String table, Function<String, Map<String, AttributeValue>> keyOf,
                         String keyAttribute, Clock clock, DynamoDbGroupWrites writes) {
        this.writes = writes;
        this.client = client;
        this.table = table;
        this.keyOf = keyOf;
        this.keyAttribute = keyAttribute;
        this.clock = clock;
    }

    /** Claims from many threads share requests ({@link DynamoDbGroupClaims}) instead of a PutItem each. */
    DynamoDbOwnedEntries claimingInBatches(DynamoDbGroupClaims claims) {
        this.claims = claims;
        return this;
    }

    /**
     * Takes the item if absent, expired, already {@code owner}'s, or only marked as queued by a
     * diff ({@link InFlightJobs#QUEUED}); one of concurrent claimants wins.
     */
    @Override
    public boolean claim(String id, String owner, long ttlMillis) {
        return claim(id, owner, ttlMillis, true);
    }

    @Override
    public boolean claim(String id, String owner, long ttlMillis, boolean entryLikely) {
        if (claims != null && !claims.refused()) {
            long now = clock.millis();
            try {
                return claims.claim(table, keyOf.apply(id), owner, ceilSeconds(now + ttlMillis), now / 1000, entryLikely);
            } catch (DynamoDbGroupClaims.Refused e) {
                // Not tried at all: claimed below as before batching.
            }
        }
        return put(id, owner, ttlMillis, "attribute_not_exists(#k) OR #e < :now OR #o = :owner OR #o = :queued",
                Map.of(":owner", s(owner), ":queued", s(InFlightJobs.QUEUED)));
    }

    /** Takes the item only if absent or expired, whoever held it. */
    @Override
    public boolean claimFree(String id, String owner, long ttlMillis) {
        return put(id, owner, ttlMillis, "attribute_not_exists(#k) OR #e < :now", Map.of());
    }

    /** Hands the item to {@code owner} for {@code ttlMillis}, whatever it held. */
    @Override
    public void set(String id, String owner, long ttlMillis) {
        Map<String, AttributeValue> item = new HashMap<>(keyOf.apply(id));
        item.put(OWNER, s(owner));
        item.put(EXPIRES_AT, n(ceilSeconds(clock.millis() + ttlMillis)));
        client.putItem(b -> b.tableName(table).item(item));
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> setLater(String id, String owner, long ttlMillis) {
        if (writes == null) {
            return OwnedEntries.super.setLater(id, owner, ttlMillis);
        }
        Map<String, AttributeValue> item = new HashMap<>(keyOf.apply(id));
        item.put(OWNER, s(owner));
        item.put(EXPIRES_AT, n(ceilSeconds(clock.millis() + ttlMillis)));
        return writes.put(table, keyOf.apply(id), item);
    }

    private boolean put(String id, String owner, long ttlMillis, String condition, Map<String, AttributeValue> values) {
        long now = clock.millis();
        Map<String, AttributeValue> item = new HashMap<>(keyOf.apply(id));
        item.put(OWNER, s(owner));
        item.put(EXPIRES_AT, n(ceilSeconds(now + ttlMillis)));
        Map<String, String> names = new HashMap<>(Map.of("#k", keyAttribute, "#e", EXPIRES_AT));
        if (condition.contains("#o")) {
            names.put("#o", OWNER);
        }
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":now", n(now / 1000));
        try {
            client.putItem(b -> b.tableName(table).item(item).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(all));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** True if a live item exists, whoever owns it. */
    @Override
    public Holder holder(String id) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(keyOf.apply(id))
                .consistentRead(true)).item();
        if (item == null || item.isEmpty() || Long.parseLong(item.get(EXPIRES_AT).n()) < clock.millis() / 1000) {
            return null;
        }
        return new Holder(item.get(OWNER).s(), Long.parseLong(item.get(EXPIRES_AT).n()) * 1000);
    }

    /** BatchGetItem, 100 keys a request, strongly consistent. */
    @Override
    public Set<String> liveAmong(Collection<String> ids) {
        Map<Map<String, AttributeValue>, String> idOf = new HashMap<>();
        for (String id : ids) {
            idOf.put(keyOf.apply(id), id);
        }
        Set<String> live = new HashSet<>();
        long now = clock.millis() / 1000;
        for (Map<String, AttributeValue> item : DynamoDbBatches.getAll(client, table, List.copyOf(idOf.keySet()))) {
            if (Long.parseLong(item.get(EXPIRES_AT).n()) >= now) {
                Map<String, AttributeValue> key = new HashMap<>(item);
                key.keySet().retainAll(Set.of(keyAttribute));
                live.add(idOf.get(key));
            }
        }
        return live;
    }

    /**
     * One TransactWriteItems of conditional puts (BatchWriteItem takes no conditions): all succeed,
     * or DynamoDB says which conditions failed and the others are written again without them.
     */
    @Override
    public void claimAll(Collection<String> ids, String owner, long ttlMillis) {
        List<String> left = new ArrayList<>(ids);
        for (int attempt = 0; !left.isEmpty() && attempt <= left.size(); attempt++) {
            long now = clock.millis();
            List<TransactWriteItem> puts = new ArrayList<>();
            for (String id : left) {
                Map<String, AttributeValue> item = new HashMap<>(keyOf.apply(id));
                item.put(OWNER, s(owner));
                item.put(EXPIRES_AT, n(ceilSeconds(now + ttlMillis)));
                puts.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                        .conditionExpression("attribute_not_exists(#k) OR #e < :now OR #o = :owner OR #o = :queued")
                        .expressionAttributeNames(Map.of("#k", keyAttribute, "#e", EXPIRES_AT, "#o", OWNER))
                        .expressionAttributeValues(Map.of(":now", n(now / 1000), ":owner", s(owner),
                                ":queued", s(InFlightJobs.QUEUED)))
                        .build()).build());
            }
            try {
                client.transactWriteItems(b -> b.transactItems(puts));
                return;
            } catch (TransactionCanceledException e) {
                List<String> retry = new ArrayList<>();
                List<CancellationReason> reasons = e.cancellationReasons();
                for (int i = 0; i < left.size(); i++) {
                    String code = i < reasons.size() ? reasons.get(i).code() : null;
                    if (!"ConditionalCheckFailed".equals(code)) {
                        retry.add(left.get(i));
                    }
                }
                if (retry.size() == left.size()) {
                    throw e; // not a condition: a conflict or throttling the caller reports
                }
                left = retry;
            }
        }
    }

    @Override
    public boolean renewIfOwner(String id, String owner, long ttlMillis) {
        try {
            client.updateItem(b -> b.tableName(table).key(keyOf.apply(id))
                    .updateExpression("SET #e = :e")
                    .conditionExpression("#o = :owner")
                    .expressionAttributeNames(Map.of("#o", OWNER, "#e", EXPIRES_AT))
                    .expressionAttributeValues(Map.of(":e", n(ceilSeconds(clock.millis() + ttlMillis)),
                            ":owner", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public boolean delete(String id) {
        Map<String, AttributeValue> old = client.deleteItem(b -> b.tableName(table).key(keyOf.apply(id))
                .returnValues(ReturnValue.ALL_OLD)).attributes();
        return old != null && !old.isEmpty();
    }

    @Override
    public boolean deleteIfOwner(String id, String owner) {
        try {
            client.deleteItem(b -> b.tableName(table).key(keyOf.apply(id))
                    .conditionExpression("#o = :owner")
                    .expressionAttributeNames(Map.of("#o", OWNER))
                    .expressionAttributeValues(Map.of(":owner", s(owner))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static long ceilSeconds(long millis) {
        return (millis + 999) / 1000;
    }
}
