package io.s3replicator.discover;

import io.s3replicator.record.RunStats;

import io.s3replicator.config.ReplicationPair;
import io.s3replicator.model.ListedObject;
import io.s3replicator.model.Job;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.S3Errors;
import io.s3replicator.transfer.ReplicaMarkers;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compares a pair without changing anything: the diff's streaming merge-join over both
 * listings ({@link OrderedDiff}: in any listing order), with every difference named. Where a listing alone cannot decide (an ETag that
 * differs because the replicator relayed or split the object, a key the store sorts
 * differently) the destination object is looked at before calling it different or missing.
 */
public class PairVerifier {
    private final S3Clients clients;
    private final int pageSize;
    private final int maxListed;
    private final OrderedDiff.Sorting sorting = OrderedDiff.Sorting.defaults();

    /** @param maxListed keys named per kind of difference; the counts stay exact beyond it */
    public PairVerifier(S3Clients clients, int pageSize, int maxListed) {
        this.clients = clients;
        this.pageSize = pageSize;
        this.maxListed = maxListed;
    }

    public record Difference(String key, String reason) {
    }

    /** What a comparison found; keys of missing and different objects are source keys, extras destination keys. */
    public record Report(String source, String destination, long sourceObjects, long destinationObjects,
                         long identical, long excluded, long missingCount, List<String> missing, long extraCount,
                         List<String> extra, long differentCount, List<Difference> different) {
        public boolean isIdentical() {
            return missingCount == 0 && extraCount == 0 && differentCount == 0;
        }

        public boolean truncated() {
            return missing.size() < missingCount || extra.size() < extraCount || different.size() < differentCount;
        }
    }

    public Report verify(ReplicationPair pair) {
        S3Client src = clients.client("source", pair.source().endpoint());
        S3Client dst = clients.client("destination", pair.destination().endpoint());
        RunStats stats = new RunStats("verify", pair.id());
        Tallies t = new Tallies();
        // The diff's own join in any listing order: a listing out of order is sorted on local disk and
        // compared again from the start, what the first pass tallied dropped.
        OrderedDiff join = new OrderedDiff(pair, stats,
                () -> new BucketListing(src, pair.source(), pageSize, stats.sourceListed::add),
                () -> new BucketListing(dst, pair.destination(), pageSize, stats.destinationListed::add),
                sorting, j -> j.tellingExtras(d -> t.extra(pair, d))).onRestart(t::clear);
        try (join) {
            while (join.hasNext()) {
                Job job = join.next();
                String destinationKey = pair.destinationKey(job.key());
                String verdict = switch (job.reason()) {
                    case MISSING -> "missing";
                    case SIZE_DIFFERS -> "size differs";
                    default -> lookAtDestination(dst, pair, job, destinationKey);
                };
                if (job.reason() == Job.Reason.MAYBE_MISSING && !"missing".equals(verdict)) {
                    t.orderSensitiveExtras.remove(destinationKey);
                }
                if (verdict == null) {
                    t.identical++;
                } else if ("missing".equals(verdict)) {
                    if (t.missingCount++ < maxListed) {
                        t.missing.add(job.key());
                    }
                } else if (t.differentCount++ < maxListed) {
                    t.different.add(new Difference(job.key(), verdict));
                }
            }
        }
        for (String key : t.orderSensitiveExtras) {
            if (t.extraCount++ < maxListed) {
                t.extra.add(key);
            }
        }
        return new Report(pair.source().uri(), pair.destination().uri(), stats.sourceListed.sum(),
                stats.destinationListed.sum(), stats.inStep.sum() + t.identical, stats.excluded.sum(), t.missingCount,
                t.missing, t.extraCount, t.extra, t.differentCount, t.different);
    }

    /** What one comparison pass found so far; cleared when the comparison starts again. */
    private final class Tallies {
        final List<String> missing = new ArrayList<>();
        final List<String> extra = new ArrayList<>();
        final List<Difference> different = new ArrayList<>();
        // Keys a store may list out of S3's order: held until the end, a twin may still turn up.
        final Set<String> orderSensitiveExtras = new HashSet<>();
        long missingCount;
        long extraCount;
        long differentCount;
        long identical;

        void extra(ReplicationPair pair, ListedObject d) {
            if (!pair.filter().accepts(d.relativeKey())) {
                return;
            }
            if (KeyOrder.isOrderSensitive(d.key())) {
                orderSensitiveExtras.add(d.key());
            } else if (extraCount++ < maxListed) {
                extra.add(d.key());
            }
        }

        void clear() {
            missing.clear();
            extra.clear();
            different.clear();
            orderSensitiveExtras.clear();
            missingCount = extraCount = differentCount = identical = 0;
        }
    }

    /** @return null when the destination holds this source version, else why not ("missing" when absent) */
    private static String lookAtDestination(S3Client dst, ReplicationPair pair, Job job, String destinationKey) {
        HeadObjectResponse head;
        try {
            head = dst.headObject(b -> b.bucket(pair.destination().bucket()).key(destinationKey));
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return "missing";
            }
            throw e;
        }
        if (head.contentLength() == null || head.contentLength() != job.size()) {
            return "size differs";
        }
        if (job.etag() != null && (job.etag().equalsIgnoreCase(ListedObject.bareEtag(head.eTag()))
                || job.etag().equalsIgnoreCase(ReplicaMarkers.sourceEtag(head.metadata(),
                        pair.destination().bucket(), destinationKey)))) {
            return null;
        }
        return "content differs (ETag)";
    }
}
