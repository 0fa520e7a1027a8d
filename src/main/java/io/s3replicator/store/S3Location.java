package io.s3replicator.store;

/**
 * A bucket, a key prefix inside it (empty or ending in '/'), and how to reach it.
 */
public record S3Location(String bucket, String prefix, EndpointSpec endpoint) {

    public S3Location withEndpoint(EndpointSpec value) {
        return new S3Location(bucket, prefix, value);
    }

    public String uri() {
        return "s3://" + bucket + "/" + prefix;
    }

    @Override
    public String toString() {
        return uri() + " (" + endpoint.describe() + ")";
    }
}
