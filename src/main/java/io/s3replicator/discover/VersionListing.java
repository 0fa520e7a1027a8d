package io.s3replicator.discover;

import io.s3replicator.model.ListedObject;

import io.s3replicator.store.S3Location;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongConsumer;

/**
 * The source listing of a pair with compareVersions: ListObjectVersions, paginated and lazy,
 * yielding each key's latest version (with its version id) and skipping keys whose latest
 * version is a delete marker. Keys come in the same order as ListObjectsV2.
 */
public class VersionListing implements Iterator<ListedObject> {
    private final S3Location location;
    private final Iterator<ObjectVersion> versions;
    private final LongConsumer onListed;
    private ListedObject next;

    public VersionListing(S3Client s3, S3Location location, int pageSize, LongConsumer onListed) {
        this.location = location;
        this.onListed = onListed;
        this.versions = s3.listObjectVersionsPaginator(ListObjectVersionsRequest.builder()
                .bucket(location.bucket())
                .prefix(location.prefix().isEmpty() ? null : location.prefix())
                .maxKeys(pageSize)
                .encodingType(EncodingType.URL)
                .build()).versions().iterator();
    }

    @Override
    public boolean hasNext() {
        while (next == null && versions.hasNext()) {
            ObjectVersion v = versions.next();
            if (Boolean.TRUE.equals(v.isLatest())) {
                onListed.accept(1);
                next = new ListedObject(v.key(), v.key().substring(location.prefix().length()),
                        v.size() == null ? 0 : v.size(), ListedObject.bareEtag(v.eTag()),
                        ListedObject.versionOrNull(v.versionId()));
            }
        }
        return next != null;
    }

    @Override
    public ListedObject next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ListedObject out = next;
        next = null;
        return out;
    }
}
