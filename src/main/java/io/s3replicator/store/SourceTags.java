package io.s3replicator.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The tags a copy carries, asked of the source only when its store may have some for the object
 * ({@link Capabilities#tagging()}, {@link Capabilities#taggingCount()}). A source that refuses tagging
 * (a store without it: 501 NotImplemented; a credential without s3:GetObjectTagging: 403
 * AccessDenied) is not a failed copy: that pair's objects are copied without tags, with one warning,
 * and the source is not asked again while the process runs.
 */
public final class SourceTags {
    private static final Logger LOG = LoggerFactory.getLogger(SourceTags.class);

    private final S3Clients clients;
    /** pair id and source location whose tags were refused. */
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    /**
     * Tag requests sent beside the object's GET ({@link #askAhead}): at most one per copying job, so a
     * pool that grows with them and lets idle threads go.
     */
    private final ExecutorService ahead = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "source-tags");
        t.setDaemon(true);
        return t;
    });

    SourceTags(S3Clients clients) {
        this.clients = clients;
    }

    /**
     * For a source whose GET does not tell reliably whether an object has tags (no trusted
     * {@code x-amz-tagging-count}), the copy must ask anyway: asked now, beside the GET, rather than
     * after it, which saves a round trip per object across a WAN. Null when nothing is to be asked or
     * the GET's tag count decides ({@link #toCopy} with that count, then).
     */
    public CompletableFuture<List<Tag>> askAhead(String pairId, S3Location source, S3Location destination, String key,
                                                 String versionId) {
        Capabilities from = source.endpoint().effectiveCapabilities();
        if (!from.tagging() || !destination.endpoint().effectiveCapabilities().tagging() || from.taggingCount()) {
            return null;
        }
        return CompletableFuture.supplyAsync(() -> toCopy(pairId, source, destination, key, versionId, null), ahead);
    }

    /** What {@link #askAhead} got: its failure is the copy's, as if it had been asked in line. */
    public static List<Tag> await(CompletableFuture<List<Tag>> asked) {
        try {
            return asked.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    void close() {
        ahead.shutdownNow();
    }

    /**
     * The source object's tags to write with its copy: empty when there are none, when the destination
     * cannot hold tags, or when the source refuses to tell.
     *
     * @param tagCount the {@code x-amz-tagging-count} of the object's GET or HEAD (null when absent)
     */
    public List<Tag> toCopy(String pairId, S3Location source, S3Location destination, String key, String versionId,
                            Integer tagCount) {
        Capabilities from = source.endpoint().effectiveCapabilities();
        if (!from.tagging() || !destination.endpoint().effectiveCapabilities().tagging()) {
            return List.of();
        }
        if (tagCount != null ? tagCount == 0 : from.taggingCount()) {
            return List.of();
        }
        String refusal = pairId + " " + source.uri() + " " + source.endpoint().describe();
        if (refused.contains(refusal)) {
            return List.of();
        }
        try {
            return clients.client("source", source.endpoint()).getObjectTagging(b -> b.bucket(source.bucket())
                    .key(key).versionId(versionId)).tagSet();
        } catch (S3Exception e) {
            if (!refusesTagging(e)) {
                throw e;
            }
            if (refused.add(refusal)) {
                LOG.warn("pair {}: the source {} refuses object tagging ({}); its objects are copied without their"
                        + " tags", pairId, source.uri(), S3Errors.describe(e));
            }
            return List.of();
        }
    }

    /** The store has no tagging, or the credential may not read tags (not a missing object, not a stale key). */
    static boolean refusesTagging(S3Exception e) {
        String code = S3Errors.errorCode(e);
        return e.statusCode() == 501 || "NotImplemented".equals(code)
                || (e.statusCode() == 403 && "AccessDenied".equals(code));
    }
}
