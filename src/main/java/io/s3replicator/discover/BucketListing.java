package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import io.s3replicator.store.S3Location;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * A lazy, paginated ListObjectsV2 over one prefix: one page in memory at a time.
 * Keys should come back in UTF-8 binary order; a store that sorts by UTF-16 units instead is logged
 * once (see {@link KeyOrder} for why the diff stays correct), any other order is {@link OrderedDiff}'s.
 */
public class BucketListing implements Iterator<ListedObject> {
    private static final Logger LOG = LoggerFactory.getLogger(BucketListing.class);
    private final S3Location location;
    private final Iterator<S3Object> objects;
    private final LongConsumer onListed;
    private String previousKey;
    private boolean warned;

    public BucketListing(S3Client s3, S3Location location, int pageSize, LongConsumer onListed) {
        this(s3, location, location.prefix(), null, pageSize, onListed);
    }

    /**
     * Part of the location: keys under {@code listPrefix} (the location's prefix or a longer one)
     * after {@code startAfter} (null: from the first); relative keys stay relative to the location.
     */
    public BucketListing(S3Client s3, S3Location location, String listPrefix, String startAfter, int pageSize,
                         LongConsumer onListed) {
        this(s3, location, listPrefix, startAfter, null, pageSize, onListed);
    }

    /** @param delimiter "/" for only the keys directly under {@code listPrefix}, or null for all */
    public BucketListing(S3Client s3, S3Location location, String listPrefix, String startAfter, String delimiter,
                         int pageSize, LongConsumer onListed) {
        this.location = location;
        this.onListed = onListed;
        ListObjectsV2Request request = ListObjectsV2Request.builder()
                .bucket(location.bucket())
                .prefix(listPrefix.isEmpty() ? null : listPrefix)
                .startAfter(startAfter)
                .delimiter(delimiter)
                .maxKeys(pageSize)
                // URL encoding keeps keys with control characters legal in the XML; the SDK decodes them.
                .encodingType(EncodingType.URL)
                .build();
        this.objects = s3.listObjectsV2Paginator(request).contents().iterator();
    }

    @Override
    public boolean hasNext() {
        return objects.hasNext();
    }

    @Override
    public ListedObject next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        S3Object o = objects.next();
        String key = o.key();
        // Out of order in both orders is OrderedDiff's business; this is the UTF-16 ordering some stores use.
        if (previousKey != null && !warned && KeyOrder.compare(previousKey, key) >= 0 && previousKey.compareTo(key) < 0) {
            warned = true;
            LOG.warn("listing of {} is not in UTF-8 binary key order ('{}' came before '{}'): keys with characters"
                    + " above U+D7FF are checked at the destination before copying", location.uri(), previousKey, key);
        }
        previousKey = key;
        onListed.accept(1);
        return new ListedObject(key, key.substring(location.prefix().length()),
                o.size() == null ? 0 : o.size(), ListedObject.bareEtag(o.eTag()));
    }
}
