package io.s3replicator.decide;

import io.s3replicator.store.S3Location;

/** How a bucket is named in {@link io.s3replicator.state.OwnDeletes}: its endpoint (or provider) and name. */
public final class OwnDeleteLocation {
    private OwnDeleteLocation() {
    }

    public static String of(S3Location location) {
        var endpoint = location.endpoint();
        String where = endpoint.endpoint() != null ? endpoint.endpoint().toString() : endpoint.effectiveProvider().id();
        return where + "/" + location.bucket();
    }
}
