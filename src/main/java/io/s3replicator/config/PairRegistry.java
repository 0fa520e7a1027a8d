package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import io.s3replicator.model.PoisonMessageException;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The replication pairs this process serves, by id. */
public class PairRegistry {
    private final Map<String, ReplicationPair> pairs = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<ReplicationPair> onRegister = pair -> { };

    public void register(ReplicationPair pair) {
        ReplicationPair previous = pairs.putIfAbsent(pair.id(), pair);
        if (previous != null && !previous.equals(pair)) {
            throw new ConfigException("routeId", "two replication pairs are named '" + pair.id() + "'");
        }
        if (previous == null) {
            onRegister.accept(pair);
        }
    }

    /** Told of each pair as it is registered (its info metric). */
    public void onRegister(java.util.function.Consumer<ReplicationPair> listener) {
        this.onRegister = listener;
    }

    /** @throws PoisonMessageException for an id no pair has: such a job can never run here */
    public ReplicationPair get(String id) {
        ReplicationPair pair = pairs.get(id);
        if (pair == null) {
            throw new PoisonMessageException("unknown replication pair '" + id + "'");
        }
        return pair;
    }

    public Collection<ReplicationPair> all() {
        return pairs.values();
    }
}
