package io.s3replicator.discover;

import io.s3replicator.model.LookaheadIterator;
import io.s3replicator.model.ListedObject;

import io.s3replicator.store.S3Location;
import software.amazon.awssdk.services.s3.S3Client;
import io.s3replicator.store.S3Errors;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.util.Iterator;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A listing of named keys only ({@code sync --from-report}): for each relative key, in key order,
 * one ListObjectsV2 with the key as prefix, so an object comes back with exactly the fields a
 * full listing gives it and the diff treats it as it would in a full run. A key is a prefix of
 * itself and sorts before every longer key, so on a store that lists in key order the first result
 * is the key when it exists. A store may list in no order: when the first result is a longer key,
 * one HEAD says whether the key exists, never the listing's order.
 */
public class KeyListing extends LookaheadIterator<ListedObject> {
    private final S3Client s3;
    private final S3Location location;
    private final Iterator<String> relativeKeys;
    private final LongConsumer onListed;

    /** @param relativeKeys keys without the location's prefix, in {@link KeyOrder}, each once */
    public KeyListing(S3Client s3, S3Location location, List<String> relativeKeys, LongConsumer onListed) {
        this.s3 = s3;
        this.location = location;
        this.relativeKeys = relativeKeys.iterator();
        this.onListed = onListed;
    }

    @Override
    protected ListedObject fetch() {
        while (relativeKeys.hasNext()) {
            String key = location.prefix() + relativeKeys.next();
            List<S3Object> found = s3.listObjectsV2(b -> b.bucket(location.bucket()).prefix(key).maxKeys(1)
                    .encodingType(EncodingType.URL)).contents();
            if (found.isEmpty()) {
                continue; // no key starts with it, whatever the order
            }
            S3Object o = found.get(0);
            ListedObject next = o.key().equals(key) ? listed(key, o.size(), o.eTag()) : headed(key);
            if (next != null) {
                onListed.accept(1);
                return next;
            }
        }
        return null;
    }

    private ListedObject listed(String key, Long size, String etag) {
        return new ListedObject(key, key.substring(location.prefix().length()), size == null ? 0 : size,
                ListedObject.bareEtag(etag));
    }

    /** The key's size and ETag from a HEAD, or null when it does not exist. */
    private ListedObject headed(String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(location.bucket()).key(key));
            return listed(key, head.contentLength(), head.eTag());
        } catch (S3Exception e) {
            if (S3Errors.isNotFound(e)) {
                return null;
            }
            throw e;
        }
    }

}
