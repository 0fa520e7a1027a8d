package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import io.s3replicator.store.S3Location;

/**
 * One source -> destination replication, validated. Built from the CLI ({@code sync}) or
 * from a {@code replication-pair} templated route ({@code run}).
 *
 * @param id          pair id (the templated route id, or "sync")
 * @param source      where objects come from
 * @param destination where they go; its prefix replaces the source prefix
 * @param filter      include / exclude globs on keys relative to the source prefix
 * @param dryRun      list and decide, but write nothing
 * @param features    events, deletes, two-way, ignore list, versions ({@link PairFeatures#NONE} by default)
 */
public record ReplicationPair(String id, S3Location source, S3Location destination, KeyFilter filter,
                              boolean dryRun, PairFeatures features) {

    public ReplicationPair(String id, S3Location source, S3Location destination, KeyFilter filter, boolean dryRun) {
        this(id, source, destination, filter, dryRun, PairFeatures.NONE);
    }

    public ReplicationPair {
        if (features == null) {
            features = PairFeatures.NONE;
        }
        if (source.bucket().equals(destination.bucket())
                && source.endpoint().sameServiceAndCredentials(destination.endpoint())
                && (source.prefix().startsWith(destination.prefix())
                    || destination.prefix().startsWith(source.prefix()))) {
            throw new ConfigException("destination", destination.uri() + " overlaps the source " + source.uri()
                    + " (a pair must not copy into itself)");
        }
    }

    /** The source key without the source prefix (what filters and the diff compare). */
    public String relativeKey(String sourceKey) {
        return sourceKey.substring(source.prefix().length());
    }

    /** True when a source key is under the source prefix (events may name any key of the bucket). */
    public boolean inSourcePrefix(String sourceKey) {
        return sourceKey.startsWith(source.prefix());
    }

    /**
     * Whether a source object under the prefix is replicated at all: include / exclude globs on
     * the relative key and the ignore list on {@code bucket/key}.
     */
    public boolean accepts(String sourceKey) {
        return filter.accepts(relativeKey(sourceKey)) && !features.ignore().ignores(source.bucket(), sourceKey);
    }

    public String destinationKey(String sourceKey) {
        return destination.prefix() + relativeKey(sourceKey);
    }

    /** Server-side CopyObject is possible when one credential reaches both buckets on one service. */
    public boolean serverSideCopy() {
        return source.endpoint().sameServiceAndCredentials(destination.endpoint())
                && source.endpoint().effectiveCapabilities().serverSideCopy()
                && destination.endpoint().effectiveCapabilities().serverSideCopy();
    }
}
