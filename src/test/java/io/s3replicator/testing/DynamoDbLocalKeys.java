package io.s3replicator.testing;

/**
 * DynamoDB Local 2.x accepts only letters and digits in an access key id, and the build's
 * {@code aws.accessKeyId} (test-access-key) has dashes; it also keeps one set of tables per key
 * and region (no -sharedDb). Code that builds its DynamoDB client from the SDK's default chain
 * (the state backend) runs inside one of these: the system property holds the key of
 * {@link DynamoDbLocal#client()} (use its region, us-east-1, too) until {@link #close()} puts
 * the build's back.
 */
public final class DynamoDbLocalKeys implements AutoCloseable {
    private static final String PROPERTY = "aws.accessKeyId";
    private final String previous;

    private DynamoDbLocalKeys() {
        previous = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, "test");
    }

    public static DynamoDbLocalKeys use() {
        return new DynamoDbLocalKeys();
    }

    @Override
    public void close() {
        if (previous == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, previous);
        }
    }
}
